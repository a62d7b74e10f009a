import Foundation

/// Reads commit dates as scanners write them; a date keyctl cannot read is left out, never an error
/// (the date is context for the responder, not needed to match a key).
enum ReportDate {
    /// `2024-03-01T12:00:00Z` (gitleaks), `2024-03-01 12:00:00 +0100 +0100` or `... +0100 CET`
    /// (TruffleHog, Go's time format), with or without the trailing zone name.
    static func parse(_ text: String?) -> Date? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty, text.count <= 64 else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss Z"
        let parts = text.split(separator: " ")
        guard parts.count >= 3 else { return nil }
        return formatter.date(from: parts.prefix(3).joined(separator: " "))
    }
}
