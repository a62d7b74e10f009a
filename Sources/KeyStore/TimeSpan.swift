/// A length of time written as `90d`, `12h` or `15m`: rotation periods, warning windows, grace.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }
    public static func days(_ days: Int64) -> TimeSpan { TimeSpan(seconds: days * 86_400) }

    /// Parses a positive whole number followed by `d`, `h` or `m`; nil for anything else.
    public init?(_ text: String) {
        guard let unit = text.last, let count = Int64(text.dropLast()), count > 0, count <= 36_500 * 24 * 60 else { return nil }
        switch unit {
        case "d": seconds = count * 86_400
        case "h": seconds = count * 3_600
        case "m": seconds = count * 60
        default: return nil
        }
    }

    public static let rule = "durations are a whole number and d, h or m, such as 90d, 12h or 15m"

    /// The shortest exact form: `90d`, `36h`, `15m`.
    public var description: String {
        if seconds == 0 { return "0m" }
        if seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        return "\(seconds / 60)m"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.seconds < rhs.seconds }
}
