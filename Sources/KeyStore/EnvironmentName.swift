/// The environment a key belongs to, such as `prod`: `[a-z0-9][a-z0-9._-]{0,63}`.
public struct EnvironmentName: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Returns nil when `rawValue` does not have the shape of an environment name.
    public init?(_ rawValue: String) {
        guard Slug.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// For values read back from the registry, which were checked when written.
    /// A value read back from the registry, which only ever stores checked values.
    public init(stored rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public static let rule = "environment names match \(Slug.pattern)"
}
