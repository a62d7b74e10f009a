import KeyStore

/// What a finding holds of the leaked secret.
public enum LeakEvidence: Sendable {
    /// The string itself, as a file scan or a gitleaks or TruffleHog report gives it.
    case secret(Secret)
    /// Only the unsalted SHA-1 hex digest of it, as a detect-secrets baseline stores it.
    case sha1(String)
}
