/// How often a key must be rotated, and how long before that `report` starts warning.
public struct RotationPolicy: Sendable, Equatable {
    public var maxAge: TimeSpan
    public var warnWindow: TimeSpan

    public init(maxAge: TimeSpan, warnWindow: TimeSpan) {
        self.maxAge = maxAge
        self.warnWindow = warnWindow
    }

    /// 90 days, warning 14 days ahead.
    public static let standard = RotationPolicy(maxAge: .days(90), warnWindow: .days(14))
}

/// The rotation policy of every environment: a default, and per-environment overrides
/// from `keyctl.toml`. A key's own `--max-age` wins over both.
public struct PolicyTable: Sendable, Equatable {
    public var defaultPolicy: RotationPolicy
    public var overrides: [EnvironmentName: RotationPolicy]

    public init(defaultPolicy: RotationPolicy = .standard, overrides: [EnvironmentName: RotationPolicy] = [:]) {
        self.defaultPolicy = defaultPolicy
        self.overrides = overrides
    }

    /// The policy that applies to keys in `env`.
    public func policy(for env: EnvironmentName) -> RotationPolicy {
        overrides[env] ?? defaultPolicy
    }
}
