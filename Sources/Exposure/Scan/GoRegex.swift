import Foundation

/// Compiles the Go (RE2) regular expressions of a gitleaks config with ICU, through
/// `NSRegularExpression`. RE2's syntax is nearly a subset of ICU's; the one spelling ICU lacks,
/// named groups written `(?P<name>...)`, is rewritten to `(?<name>...)`. A pattern ICU cannot
/// compile is refused, never approximated.
enum GoRegex {
    /// The pattern in ICU's syntax.
    static func translated(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: "(?P<", with: "(?<")
    }

    /// The compiled pattern, or ICU's reason for refusing it.
    static func compile(_ pattern: String) -> Result<NSRegularExpression, ScanError> {
        do {
            return .success(try NSRegularExpression(pattern: translated(pattern)))
        } catch {
            return .failure(ScanError(.badInput, "'\(pattern)' is not a regular expression keyctl can compile"))
        }
    }
}

extension NSRegularExpression {
    /// True when the pattern matches somewhere in `text`.
    func occurs(in text: String) -> Bool {
        firstMatch(in: text, range: NSRange(location: 0, length: (text as NSString).length)) != nil
    }
}
