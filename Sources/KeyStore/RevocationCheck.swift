/// What the check after delete found out about the old secret; stored as text in `rotations.revocation`.
public enum RevocationCheck: String, Sendable, Equatable {
    /// The verifier rejected the old secret: it is dead.
    case rejected
    /// The verifier still accepted the old secret after every check: a definite failure (exit 2).
    case accepted
    /// The verifier could not be reached (timeouts, 5xx): nothing is known (exit 1), never a verdict.
    case unconfirmed
}
