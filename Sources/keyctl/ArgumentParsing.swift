import ArgumentParser
import Foundation
import KeyStore

/// Parse-time shape checks: a bad name, scope, date or duration is a usage error (exit 64)
/// with a message that states the rule, before anything is opened or written.
enum ArgumentParsing {
    static func keyName(_ text: String) throws -> KeyName {
        guard let name = KeyName(text) else { throw ValidationError("invalid key name '\(text)': \(KeyName.rule)") }
        return name
    }

    static func environment(_ text: String) throws -> EnvironmentName {
        guard let env = EnvironmentName(text) else { throw ValidationError("invalid environment '\(text)': \(EnvironmentName.rule)") }
        return env
    }

    static func principal(_ text: String) throws -> Principal {
        guard let principal = Principal(text) else { throw ValidationError("invalid principal '\(text)': \(Principal.rule)") }
        return principal
    }

    static func scopes(_ text: String) throws -> ScopeSet {
        do {
            return try ScopeSet(parsing: text)
        } catch {
            throw ValidationError(error.message)
        }
    }

    static func date(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw ValidationError("invalid date '\(text)': \(Timestamp.rule)")
        }
        return date
    }

    static func timeSpan(_ text: String) throws -> TimeSpan {
        guard let span = TimeSpan(text) else { throw ValidationError("invalid duration '\(text)': \(TimeSpan.rule)") }
        return span
    }

    /// A grace period: a duration, or `0m` (also `0`, `0h`, `0d`) for none.
    static func grace(_ text: String) throws -> TimeSpan {
        if ["0", "0m", "0h", "0d"].contains(text) { return TimeSpan(seconds: 0) }
        return try timeSpan(text)
    }

    /// Plain decimal seconds such as `5` or `0.25` (up to 6 digits, then up to 3 decimals)
    /// within `range`; nil for anything else: a sign, an exponent, `inf`, `nan`, spaces.
    static func seconds(_ text: String, in range: ClosedRange<TimeInterval>) -> TimeInterval? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let isDigits = { (part: Substring) in part.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } }
        guard (1...6).contains(parts[0].utf8.count), isDigits(parts[0]),
              parts.count == 1 || ((1...3).contains(parts[1].utf8.count) && isDigits(parts[1])),
              let seconds = TimeInterval(text), range.contains(seconds)
        else { return nil }
        return seconds
    }

    static func status(_ text: String) throws -> KeyStatus {
        guard let status = KeyStatus(rawValue: text) else {
            throw ValidationError("invalid status '\(text)': use one of \(KeyStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return status
    }

    static func label(_ text: String) throws -> (key: String, value: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw ValidationError("invalid label '\(text)': use key=value")
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }

    static func labels(_ pairs: [(key: String, value: String)]) -> [String: String] {
        Dictionary(pairs.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }
}
