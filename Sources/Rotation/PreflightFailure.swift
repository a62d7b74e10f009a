/// A deploy target that cannot take a secret, found before the rotation began: nothing was
/// created, nothing recorded; fix the target and rotate again.
public struct PreflightFailure: Error, CustomStringConvertible, Sendable {
    public let underlying: AdapterError

    public init(_ underlying: AdapterError) {
        self.underlying = underlying
    }

    public var description: String {
        "\(underlying.adapter): \(underlying.message). Nothing was created or changed: fix it and rotate again"
    }
}

extension RotationAdapters {
    /// Checks every target before a rotation creates a credential (`DeployTarget.preflight`),
    /// retrying temporary failures. Throws `PreflightFailure` naming the first that cannot take a secret.
    public func preflight(retry: RetryPolicy) async throws {
        for target in targets {
            do {
                try await retry.run { try await target.preflight() }
            } catch let error as AdapterError {
                throw PreflightFailure(error)
            }
        }
    }
}
