import Foundation
import KeyStore

/// The import parser as it was before it read bytes: the whole file in memory, fields and scopes
/// as Characters, JSON through `JSONSerialization`. Kept only as the oracle that
/// `ByteParserPropertyTests` checks the streaming byte parsers against.
enum LegacyImportFile {
    static let fields = ["name", "env", "scopes", "owner", "description", "created", "rotated", "max-age"]

    static func parse(_ data: Data, fileName: String) throws -> [ImportEntry] {
        let firstByte = data.first { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }
        let isJSON = fileName.lowercased().hasSuffix(".json")
            || (!fileName.lowercased().hasSuffix(".csv") && (firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{")))
        return isJSON ? try parseJSON(data, fileName: fileName) : try parseCSV(data, fileName: fileName)
    }

    struct Failure: Error { let message: String }

    static func parseCSV(_ data: Data, fileName: String) throws -> [ImportEntry] {
        var reader = LegacyCSVReader(Array(data))
        guard let header = reader.nextRecord() else {
            if let error = reader.error { throw Failure(message: "\(fileName):\(error.line): \(error.problem)") }
            throw Failure(message: "\(fileName): the file is empty")
        }
        var columns: [String: Int] = [:]
        for (index, title) in header.fields.enumerated() {
            let title = title.trimmingCharacters(in: .whitespaces).lowercased()
            guard fields.contains(title) else { throw Failure(message: "\(fileName):1: unknown column '\(title)'") }
            guard columns.updateValue(index, forKey: title) == nil else { throw Failure(message: "\(fileName):1: column '\(title)' appears twice") }
        }
        for required in ["name", "env", "scopes"] where columns[required] == nil {
            throw Failure(message: "\(fileName):1: missing the required column '\(required)'")
        }
        var entries: [ImportEntry] = []
        while let record = reader.nextRecord() {
            let location = "\(fileName):\(record.line)"
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            guard record.fields.count == header.fields.count else {
                throw Failure(message: "\(location): expected \(header.fields.count) fields, found \(record.fields.count)")
            }
            entries.append(try entry(location: location) { field in columns[field].map { record.fields[$0] } })
        }
        if let error = reader.error { throw Failure(message: "\(fileName):\(error.line): \(error.problem)") }
        return entries
    }

    static func parseJSON(_ data: Data, fileName: String) throws -> [ImportEntry] {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Failure(message: "\(fileName): not valid JSON")
        }
        guard let objects = (document as? [Any]) ?? ((document as? [String: Any])?["keys"] as? [Any]) else {
            throw Failure(message: "\(fileName): expected an array")
        }
        var entries: [ImportEntry] = []
        for (index, element) in objects.enumerated() {
            let location = "\(fileName): entry \(index + 1)"
            guard let object = element as? [String: Any] else { throw Failure(message: "\(location): expected an object") }
            var values: [String: String] = [:]
            for (key, value) in object {
                let field = key == "max_age" ? "max-age" : key
                guard fields.contains(field) else { throw Failure(message: "\(location): unknown field '\(key)'") }
                let text: String
                switch value {
                case is NSNull: continue
                case let string as String: text = string
                case let list as [String] where field == "scopes": text = list.joined(separator: ",")
                default: throw Failure(message: "\(location): '\(key)' has the wrong type")
                }
                guard !text.utf8.contains(0) else { throw Failure(message: "\(location): '\(key)' contains a NUL byte") }
                values[field] = text
            }
            entries.append(try entry(location: location) { values[$0] })
        }
        return entries
    }

    static func entry(location: String, _ field: (String) -> String?) throws -> ImportEntry {
        func value(_ name: String) -> String? {
            guard let text = field(name), !text.isEmpty else { return nil }
            return text
        }
        func fail(_ problem: String) -> Failure { Failure(message: "\(location): \(problem)") }
        func date(_ name: String) throws -> Date? {
            guard let text = value(name) else { return nil }
            guard let date = LegacyTimestamp.parse(text) else { throw fail("invalid \(name) date '\(text)'") }
            return date
        }
        guard let nameText = value("name") else { throw fail("missing name") }
        guard let name = KeyName(nameText) else { throw fail("invalid name '\(nameText)'") }
        guard let envText = value("env") else { throw fail("missing env") }
        guard let env = EnvironmentName(envText) else { throw fail("invalid env '\(envText)'") }
        let scopes: ScopeSet
        do {
            scopes = try scopeSet(value("scopes") ?? "")
        } catch let error as Failure {
            throw fail(error.message)
        }
        var maxAge: TimeSpan?
        if let text = value("max-age") {
            guard let span = TimeSpan(text) else { throw fail("invalid max-age '\(text)'") }
            maxAge = span
        }
        let created = try date("created")
        let rotated = try date("rotated")
        if let created, let rotated, rotated < created { throw fail("rotated is before created") }
        return ImportEntry(
            draft: KeyDraft(
                name: name, env: env, scopes: scopes, owner: value("owner"), description: value("description"),
                createdAt: created, rotatedAt: rotated, maxAge: maxAge),
            location: location)
    }

    /// `ScopeSet(parsing:)` as it was: split and trimmed as Characters.
    static func scopeSet(_ list: String) throws -> ScopeSet {
        var parsed: [Scope] = []
        for piece in list.split(separator: ",", omittingEmptySubsequences: false) {
            let text = String(piece.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            guard isScope(text), let scope = Scope(text) else { throw Failure(message: "invalid scope '\(text)'") }
            parsed.append(scope)
        }
        return try ScopeSet(parsed)
    }

    static func isScope(_ text: String) -> Bool {
        if text == "*" { return true }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, text.utf8.count <= 128 else { return false }
        func isPart(_ part: Substring) -> Bool {
            !part.isEmpty && part.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        }
        return isPart(parts[0]) && (parts[1] == "*" || isPart(parts[1]))
    }
}

/// `Timestamp.parse` as it was, on `Array(text.utf8)`.
enum LegacyTimestamp {
    static func parse(_ text: String) -> Date? {
        guard let seconds = epochSeconds(text), Timestamp.supportedRange.contains(seconds) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func epochSeconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func daysIn(month: Int, year: Int) -> Int {
            switch month {
            case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }
        guard bytes.count >= 10, let year = number(0, 4), bytes[4] == UInt8(ascii: "-"), let month = number(5, 2),
              bytes[7] == UInt8(ascii: "-"), let day = number(8, 2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let midnight = Int64(era * 146_097 + yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear - 719_468) * 86_400
        if bytes.count == 10 { return midnight }
        guard bytes.count >= 20, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              let hour = number(11, 2), bytes[13] == UInt8(ascii: ":"), let minute = number(14, 2), bytes[16] == UInt8(ascii: ":"),
              let second = number(17, 2), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            guard index > start, index < bytes.count else { return nil }
        }
        var offset = 0
        switch bytes[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == bytes.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == bytes.count, let oh = number(index + 1, 2), bytes[index + 3] == UInt8(ascii: ":"),
                  let om = number(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (bytes[index] == UInt8(ascii: "+") ? 1 : -1)
        default:
            return nil
        }
        return midnight + Int64(hour * 3600 + minute * 60 + second - offset)
    }
}
