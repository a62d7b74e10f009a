/// An adapter (issuer, deploy target, verifier, notifier) that could not do its job, classified so
/// that keyctl knows whether retrying can help and the operator knows what to do.
public struct AdapterError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Worth retrying: a timeout, a 5xx, a refused connection, an exec hook's exit 75.
        case retryable
        /// Retrying will not help until someone acts: 401/403, a bad config, a missing file.
        case needsOperator
        /// A retryable failure that persisted through every retry: the service is unavailable (exit 69).
        case unavailable
    }

    public let kind: Kind
    /// Which adapter, such as `target checkout-env` or `verifier checkout-api`.
    public let adapter: String
    public let message: String

    public init(_ kind: Kind, adapter: String, _ message: String) {
        self.kind = kind
        self.adapter = adapter
        self.message = message
    }

    public var description: String {
        switch kind {
        case .retryable: "\(adapter): \(message) (temporary; keyctl retries)"
        case .needsOperator: "\(adapter): \(message) (needs an operator: fix it, then `keyctl rotate ... --resume`)"
        case .unavailable: "\(adapter): \(message) (still failing after retries; run `keyctl rotate ... --resume` once it is back)"
        }
    }
}
