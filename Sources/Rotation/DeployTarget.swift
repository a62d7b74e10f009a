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

    /// Puts back what `snapshot` returned (`previous` is nil when the target held nothing).
    func restore(_ previous: Secret?) async throws

    /// The secret the application reads now (for `keyctl verify`); nil when the target cannot tell.
    func currentSecret() async throws -> Secret?
}
