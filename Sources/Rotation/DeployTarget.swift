import KeyStore

/// A place the application reads its key from: a dotenv file, a secrets manager, a deploy hook.
///
/// Contract: `snapshot` reads what the target holds now without changing it, so that `restore`
/// can put it back on abort; `deploy` and `restore` are idempotent (writing the same value twice
/// is harmless). All throw `AdapterError`.
public protocol DeployTarget: Sendable {
    /// The target's name in keyctl.toml.
    var name: String { get }

    /// Whether `snapshot` returns what the target holds. A hook that cannot read anything back
    /// (a redeploy) is given, on abort, the old secret from an earlier target's snapshot instead.
    var canReadBack: Bool { get }

    /// What the target holds now; nil when it holds nothing keyctl can read back.
    func snapshot() async throws -> Secret?

    func deploy(_ secret: Secret) async throws

    /// Writes `secret` together with `issuerRef`, the issuer's id for it (an IAM access key id),
    /// for targets that store the id beside the secret. `issuerRef` is nil when the issuer gave none.
    func deploy(_ secret: Secret, issuerRef: String?) async throws

    /// Puts back what `snapshot` returned (`previous` is nil when the target held nothing).
    func restore(_ previous: Secret?) async throws

    /// Puts back what `snapshot` returned and, for targets that store the issuer's id beside the
    /// secret, `issuerRef`: the old credential's id (nil when it is not registered).
    func restore(_ previous: Secret?, issuerRef: String?) async throws

    /// Called before a rotation creates a credential: checks, without changing anything, that the
    /// target can take a secret (it exists, keyctl's credential may write it, it has the expected
    /// kind). Throws `AdapterError`, saying what to fix, when it cannot.
    func preflight() async throws

    /// The secret the application reads now (for `keyctl verify`); nil when the target cannot tell.
    func currentSecret() async throws -> Secret?
}

extension DeployTarget {
    /// Targets that hold only the secret ignore the issuer's id.
    public func deploy(_ secret: Secret, issuerRef: String?) async throws {
        try await deploy(secret)
    }

    /// Targets that hold only the secret ignore the issuer's id.
    public func restore(_ previous: Secret?, issuerRef: String?) async throws {
        try await restore(previous)
    }

    /// Targets with nothing to check before a rotation (a file keyctl creates, a hook) accept at once.
    public func preflight() async throws {}
}
