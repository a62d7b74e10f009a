import KeyStore

/// What the registry says about a finding.
public enum LeakVerdict: Sendable {
    /// The string is a version of a registered key.
    case registered(IdentifiedSecret)
    /// No registered key has this secret.
    case unknown

    /// How urgent the finding is.
    public var severity: LeakSeverity {
        switch self {
        case .registered(let found): found.version.stage == .revoked ? .revoked : .critical
        case .unknown: .unknown
        }
    }
}

/// How urgent a finding is, most urgent first.
public enum LeakSeverity: String, Sendable, Comparable, CaseIterable {
    /// A version that may still work (pending, current or previous): rotate now.
    case critical
    /// A version keyctl has revoked: the string no longer works, but the leak should be cleaned up.
    case revoked
    /// Key-shaped, but no registered key has it.
    case unknown

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
