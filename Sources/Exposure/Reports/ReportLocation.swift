import Foundation

/// Builds a `LeakLocation` from the fields a report gives, checking what keyctl relies on.
enum ReportLocation {
    /// Paths and other names from a report are kept to this many characters.
    static let maximumFieldLength = 4096

    static func make(
        path: String, line: Int?, commit: String?, author: String?, date: String?, file: String, place: String
    ) throws(ScannerReportError) -> LeakLocation {
        guard !path.isEmpty else { throw ScannerReportError(file: file, place: place, problem: "the file path is empty") }
        guard path.utf8.count <= maximumFieldLength else {
            throw ScannerReportError(file: file, place: place, problem: "the file path is longer than \(maximumFieldLength) bytes")
        }
        if let line, line < 0 { throw ScannerReportError(file: file, place: place, problem: "the line number is negative") }
        return LeakLocation(
            path: path, line: line.flatMap { $0 > 0 ? $0 : nil }, commit: nonEmpty(commit), author: nonEmpty(author),
            date: ReportDate.parse(date))
    }

    /// `Name <email>` from gitleaks' separate fields; whichever is present, or nil.
    static func author(name: String?, email: String?) -> String? {
        switch (nonEmpty(name), nonEmpty(email)) {
        case let (name?, email?): "\(name) <\(email)>"
        case let (name?, nil): name
        case let (nil, email?): "<\(email)>"
        case (nil, nil): nil
        }
    }

    /// The rule or detector name, or `fallback` when the report gives none.
    static func rule(_ name: String?, default fallback: String) -> String {
        guard let name = nonEmpty(name) else { return fallback }
        return String(name.prefix(200))
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return String(text.prefix(maximumFieldLength))
    }
}
