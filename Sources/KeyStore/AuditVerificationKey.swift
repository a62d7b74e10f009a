import Crypto
import Foundation

/// The public half of the audit signing key: all that `audit verify` needs, so a verifying
/// machine need not hold the private key.
public struct AuditVerificationKey: Sendable, Equatable {
    private let key: Curve25519.Signing.PublicKey

    init(_ key: Curve25519.Signing.PublicKey) { self.key = key }

    /// `ed25519:` and the first 16 hex digits of the SHA-256 of the public key: names the key in
    /// every checkpoint and message.
    public var keyID: String {
        "ed25519:" + String(SHA256.hash(data: key.rawRepresentation).hexString.prefix(16))
    }

    /// The public key, base64: the contents of a public key file.
    public var base64: String { key.rawRepresentation.base64EncodedString() }

    /// Whether `signature` is this key's signature of `bytes`.
    func isValidSignature(_ signature: Data, for bytes: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: bytes)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.key.rawRepresentation == rhs.key.rawRepresentation }

    /// The key in `publicKeyFile` when given; else the public half of the signing key
    /// (`KEYCTL_AUDIT_KEY` or `signingKeyFile`, never created here). Throws `KeyStoreError`:
    /// `invalidInput` for a malformed key, `failed` when there is no key at all.
    public static func resolve(
        publicKeyFile: String?, environment: [String: String], signingKeyFile: String
    ) throws(KeyStoreError) -> AuditVerificationKey {
        if let publicKeyFile {
            guard let data = FileManager.default.contents(atPath: publicKeyFile) else {
                throw KeyStoreError(.failed, "cannot read the audit public key file \(publicKeyFile)")
            }
            guard let bytes = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
                  let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
            else {
                throw KeyStoreError(.invalidInput, "\(publicKeyFile) is not a base64-encoded Ed25519 public key (the output of `keyctl audit public-key`)")
            }
            return AuditVerificationKey(key)
        }
        guard let signing = try AuditSigningKey.load(environment: environment, keyFile: signingKeyFile, create: false) else {
            throw KeyStoreError(
                .failed,
                "no key to verify the audit checkpoints with: neither KEYCTL_AUDIT_KEY nor \(signingKeyFile) exists; pass --public-key FILE (the output of `keyctl audit public-key` where checkpoints are signed)")
        }
        return signing.verificationKey
    }
}
