import Foundation

/// Decodes one JSON document (or one JSON line) of a report into typed records, turning every
/// decoding failure into a `ScannerReportError` that says where, and never what the value was.
struct ReportDecoder {
    let file: String

    /// Decodes `T` from `bytes`. `line` is the report line for JSON lines formats; `recordNoun`
    /// names the elements of a top-level array (`finding` gives `finding 4: StartLine`).
    func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>, line: Int? = nil, recordNoun: String? = nil)
        throws(ScannerReportError) -> T
    {
        guard JSONNesting.isWithinLimit(bytes) else {
            throw ScannerReportError(file: file, place: line.map { "line \($0)" }, problem: "JSON nested more than \(JSONNesting.limit) levels deep")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw describe(error, line: line, recordNoun: recordNoun)
        } catch {
            throw ScannerReportError(file: file, place: line.map { "line \($0)" }, problem: "not valid JSON")
        }
    }

    private func describe(_ error: DecodingError, line: Int?, recordNoun: String?) -> ScannerReportError {
        let path: [any CodingKey]
        let problem: String
        switch error {
        case .typeMismatch(let type, let context):
            path = context.codingPath
            problem = "expected \(Self.noun(type))"
        case .valueNotFound(let type, let context):
            path = context.codingPath
            problem = "is null; expected \(Self.noun(type))"
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            problem = "is missing"
        case .dataCorrupted(let context):
            path = context.codingPath
            if path.isEmpty {
                let around = (context.underlyingError.map { "\($0)" } ?? "").firstMatch(of: /line (\d+)/).map { " (around line \($0.1))" }
                problem = "not valid JSON" + (line == nil ? around ?? "" : "")
            } else {
                problem = "holds a value keyctl cannot read"
            }
        @unknown default:
            path = []
            problem = "cannot be read"
        }
        var places: [String] = line.map { ["line \($0)"] } ?? []
        if let field = Self.describe(path, recordNoun: recordNoun) { places.append(field) }
        return ScannerReportError(file: file, place: places.isEmpty ? nil : places.joined(separator: ": "), problem: problem)
    }

    /// `finding 4: Location.line` for a path that starts in a top-level array, `runs[0].results[2]` otherwise.
    static func describe(_ path: [any CodingKey], recordNoun: String?) -> String? {
        var parts: [String] = []
        var rest = path[...]
        if let recordNoun, let index = rest.first?.intValue {
            parts.append("\(recordNoun) \(index + 1)")
            rest = rest.dropFirst()
        }
        var field = ""
        for key in rest {
            if let index = key.intValue { field += "[\(index)]" } else { field += (field.isEmpty ? "" : ".") + TerminalSafe.name(key.stringValue) }
        }
        if !field.isEmpty { parts.append(field) }
        return parts.isEmpty ? nil : parts.joined(separator: ": ")
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "a whole number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// Names taken from a report (object keys such as a detect-secrets file name) shortened and
/// stripped of control characters before they reach an error message.
enum TerminalSafe {
    static func name(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.filter { !$0.properties.generalCategory.isControl }.map(Character.init))
        return cleaned.count > 80 ? String(cleaned.prefix(77)) + "..." : cleaned
    }
}

extension Unicode.GeneralCategory {
    fileprivate var isControl: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .unassigned: true
        default: false
        }
    }
}
