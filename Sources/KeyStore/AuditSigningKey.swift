import Crypto
import Foundation

/// The Ed25519 key that signs audit checkpoints. It never enters the registry: whoever can write
/// the registry but not read this key cannot forge a checkpoint.
///
/// It comes from `KEYCTL_AUDIT_KEY` (base64 of a 32-byte Ed25519 private key), else from a key
/// file holding the same (default `$XDG_CONFIG_HOME/keyctl/audit-signing.key`), which the first
/// checkpoint creates 0600 in a 0700 folder, atomically. Back it up with the host's configuration,
/// not with the registry: checkpoints signed by a lost key can still be verified with its public
/// key (`keyctl audit public-key`), but new ones would start a chain that the old file refuses.
public struct AuditSigningKey: Sendable, CustomStringConvertible {
    private let key: Curve25519.Signing.PrivateKey

    public init(_ key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// The public half, which verifies what this key signs.
    public var verificationKey: AuditVerificationKey { AuditVerificationKey(key.publicKey) }

    /// Signs `bytes`.
    func signature(for bytes: [UInt8]) throws -> Data { try key.signature(for: bytes) }

    public var description: String { "AuditSigningKey(\(verificationKey.keyID))" }

    /// The key from `KEYCTL_AUDIT_KEY`, else from `keyFile`; when neither exists, a new key written
    /// to `keyFile` if `create`, else nil. Throws `KeyStoreError` (`invalidInput`) when the key
    /// text is malformed, (`failed`) when the file cannot be created.
    public static func load(environment: [String: String], keyFile: String, create: Bool) throws(KeyStoreError) -> AuditSigningKey? {
        if let encoded = environment["KEYCTL_AUDIT_KEY"], !encoded.isEmpty {
            guard let key = decode(encoded) else {
                throw KeyStoreError(.invalidInput, "KEYCTL_AUDIT_KEY must be a 32-byte Ed25519 private key, base64-encoded (openssl rand -base64 32)")
            }
            return key
        }
        if let existing = try read(keyFile) { return existing }
        guard create else { return nil }
        let key = AuditSigningKey(Curve25519.Signing.PrivateKey())
        let encoded = key.key.rawRepresentation.base64EncodedString() + "\n"
        do {
            try KeyFile.create(Data(encoded.utf8), at: keyFile)
        } catch {
            // Another keyctl created it first: use theirs.
            if let existing = try read(keyFile) { return existing }
            throw KeyStoreError(.failed, "cannot create the audit signing key file \(keyFile): \(error.description)")
        }
        return key
    }

    private static func read(_ keyFile: String) throws(KeyStoreError) -> AuditSigningKey? {
        if let problem = KeyFile.exposure(of: keyFile) {
            throw KeyStoreError(.failed, "the audit signing key file \(keyFile) \(problem); keyctl refuses to use it, as ssh refuses such private keys")
        }
        guard let data = FileManager.default.contents(atPath: keyFile) else { return nil }
        guard let key = decode(String(decoding: data, as: UTF8.self)) else {
            throw KeyStoreError(
                .invalidInput, "the audit signing key file \(keyFile) is not a base64-encoded 32-byte Ed25519 key; restore it from your backup")
        }
        return key
    }

    private static func decode(_ text: String) -> AuditSigningKey? {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32,
              let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes)
        else { return nil }
        return AuditSigningKey(key)
    }
}
