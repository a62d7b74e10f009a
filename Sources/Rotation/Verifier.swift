import KeyStore

/// Proves a secret works (or no longer works) by using it the way the application does.
///
/// Contract: returns `.accepted` or `.rejected(reason)` when the service answered; throws
/// `AdapterError` when it could not tell (`.retryable` for timeouts and 5xx).
public protocol Verifier: Sendable {
    var name: String { get }
    func verify(_ secret: Secret) async throws -> VerificationOutcome
}

public enum VerificationOutcome: Sendable, Equatable {
    case accepted
    case rejected(String)
}
