import Foundation

/// Reads a bulk inventory file (CSV or JSON, never secrets) into checked entries.
///
/// CSV has a header row naming columns after `add`'s long flags (`name`, `env`, `scopes`, `owner`,
/// `description`, `created`, `rotated`, `max-age`); `scopes` is one field, comma-separated and
/// quoted. JSON is an array of objects with the same fields (or `{"keys": [...]}`), `scopes` an
/// array. Errors are `invalidInput` and name the file and the line (CSV) or entry (JSON).
public enum ImportFile {
    /// The fields an import record may have.
    enum Field: String, CaseIterable {
        case name, env, scopes, owner, description, created, rotated
        case maxAge = "max-age"
    }

    public static func parse(_ data: Data, fileName: String) throws(KeyStoreError) -> [ImportEntry] {
        let firstByte = data.first { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }
        let isJSON = fileName.lowercased().hasSuffix(".json")
            || (!fileName.lowercased().hasSuffix(".csv") && (firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{")))
        do {
            return isJSON ? try parseJSON(data, fileName: fileName) : try parseCSV(data, fileName: fileName)
        } catch {
            // A message quotes the offending field: keep it one line whatever the field holds.
            throw KeyStoreError(error.category, TerminalText.escaped(error.message))
        }
    }

    static func parseCSV(_ data: Data, fileName: String) throws(KeyStoreError) -> [ImportEntry] {
        var reader = CSVReader(Array(data))
        guard let header = reader.nextRecord() else {
            if let error = reader.error { throw KeyStoreError(.invalidInput, "\(fileName):\(error.line): \(error.problem)") }
            throw KeyStoreError(.invalidInput, "\(fileName): the file is empty; expected a header row such as name,env,scopes")
        }
        var columns: [Field: Int] = [:]
        for (index, title) in header.fields.enumerated() {
            let title = title.trimmingCharacters(in: .whitespaces).lowercased()
            guard let field = Field(rawValue: title) else {
                throw KeyStoreError(
                    .invalidInput,
                    "\(fileName):1: unknown column '\(title)'; columns are \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard columns.updateValue(index, forKey: field) == nil else {
                throw KeyStoreError(.invalidInput, "\(fileName):1: column '\(title)' appears twice")
            }
        }
        for required in [Field.name, .env, .scopes] where columns[required] == nil {
            throw KeyStoreError(.invalidInput, "\(fileName):1: missing the required column '\(required.rawValue)'")
        }
        if let error = reader.error { throw KeyStoreError(.invalidInput, "\(fileName):\(error.line): \(error.problem)") }
        var entries: [ImportEntry] = []
        while let record = reader.nextRecord() {
            let location = "\(fileName):\(record.line)"
            if record.fields.count == 1 && record.fields[0].isEmpty { continue }
            guard record.fields.count == header.fields.count else {
                throw KeyStoreError(
                    .invalidInput,
                    "\(location): expected \(header.fields.count) fields, found \(record.fields.count) (quote fields that contain commas)")
            }
            entries.append(try ImportEntry(location: location) { field in columns[field].map { record.fields[$0] } })
        }
        if let error = reader.error { throw KeyStoreError(.invalidInput, "\(fileName):\(error.line): \(error.problem)") }
        return entries
    }

    static func parseJSON(_ data: Data, fileName: String) throws(KeyStoreError) -> [ImportEntry] {
        let document: Any
        do {
            document = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw KeyStoreError(.invalidInput, "\(fileName): not valid JSON; expected an array of key objects")
        }
        guard let objects = (document as? [Any]) ?? ((document as? [String: Any])?["keys"] as? [Any]) else {
            throw KeyStoreError(.invalidInput, "\(fileName): expected an array of key objects, or {\"keys\": [...]}")
        }
        var entries: [ImportEntry] = []
        entries.reserveCapacity(objects.count)
        for (index, element) in objects.enumerated() {
            let location = "\(fileName): entry \(index + 1)"
            guard let object = element as? [String: Any] else {
                throw KeyStoreError(.invalidInput, "\(location): expected an object")
            }
            var values: [Field: String] = [:]
            for (key, value) in object {
                guard let field = Field(rawValue: key) ?? (key == "max_age" ? .maxAge : nil) else {
                    throw KeyStoreError(
                        .invalidInput, "\(location): unknown field '\(key)'; fields are \(Field.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let text: String
                switch value {
                case is NSNull: continue
                case let string as String: text = string
                case let list as [String] where field == .scopes: text = list.joined(separator: ",")
                default:
                    throw KeyStoreError(
                        .invalidInput, "\(location): '\(key)' must be \(field == .scopes ? "an array of strings" : "a string")")
                }
                guard !text.utf8.contains(0) else {
                    throw KeyStoreError(.invalidInput, "\(location): '\(key)' contains a NUL byte (\\u0000); import files are text")
                }
                values[field] = text
            }
            entries.append(try ImportEntry(location: location) { values[$0] })
        }
        return entries
    }
}

extension ImportEntry {
    /// Builds and checks one entry from its fields' text; empty text counts as absent.
    init(location: String, _ field: (ImportFile.Field) -> String?) throws(KeyStoreError) {
        func value(_ name: ImportFile.Field) -> String? {
            guard let text = field(name), !text.isEmpty else { return nil }
            return text
        }
        func fail(_ problem: String) -> KeyStoreError { KeyStoreError(.invalidInput, "\(location): \(problem)") }
        func date(_ name: ImportFile.Field) throws(KeyStoreError) -> Date? {
            guard let text = value(name) else { return nil }
            guard let date = Timestamp.parse(text) else { throw fail("invalid \(name.rawValue) date '\(text)': \(Timestamp.rule)") }
            return date
        }

        guard let nameText = value(.name) else { throw fail("missing name") }
        guard let name = KeyName(nameText) else { throw fail("invalid name '\(nameText)': \(KeyName.rule)") }
        guard let envText = value(.env) else { throw fail("missing env") }
        guard let env = EnvironmentName(envText) else { throw fail("invalid env '\(envText)': \(EnvironmentName.rule)") }
        let scopes: ScopeSet
        do {
            scopes = try ScopeSet(parsing: value(.scopes) ?? "")
        } catch {
            throw fail(error.message)
        }
        var maxAge: TimeSpan?
        if let text = value(.maxAge) {
            guard let span = TimeSpan(text) else { throw fail("invalid max-age '\(text)': \(TimeSpan.rule)") }
            maxAge = span
        }
        let created = try date(.created)
        let rotated = try date(.rotated)
        if let created, let rotated, rotated < created { throw fail("rotated is before created") }
        self.init(
            draft: KeyDraft(
                name: name, env: env, scopes: scopes, owner: value(.owner), description: value(.description),
                createdAt: created, rotatedAt: rotated, maxAge: maxAge),
            location: location)
    }
}
