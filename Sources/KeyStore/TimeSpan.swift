/// A length of time written as `90d`, `12h` or `15m`: rotation periods, warning windows, grace.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }
    public static func days(_ days: Int64) -> TimeSpan { TimeSpan(seconds: days * 86_400) }

    /// The longest duration accepted from outside: 36500 days (100 years).
    public static let maximum = TimeSpan(seconds: 36_500 * 86_400)

    /// Parses a positive whole number (digits only, no sign) followed by `d`, `h` or `m`, at most
    /// `maximum`; nil for anything else.
    public init?(_ text: String) {
        let digits = text.utf8.dropLast()
        guard let unit = text.last, (1...9).contains(digits.count),
              digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let count = Int64(String(decoding: digits, as: UTF8.self)), count > 0
        else { return nil }
        let unitSeconds: Int64
        switch unit {
        case "d": unitSeconds = 86_400
        case "h": unitSeconds = 3_600
        case "m": unitSeconds = 60
        default: return nil
        }
        guard count <= Self.maximum.seconds / unitSeconds else { return nil }
        seconds = count * unitSeconds
    }

    public static let rule = "durations are a whole number and d, h or m, from 1m to 36500d, such as 90d, 12h or 15m"

    /// The shortest exact form: `90d`, `36h`, `15m`.
    public var description: String {
        if seconds == 0 { return "0m" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        return "\(seconds / 60)m"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.seconds < rhs.seconds }
}
