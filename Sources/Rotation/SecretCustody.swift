import Crypto
import Foundation
import KeyStore

/// Seals the secrets a rotation must keep across a crash (the new credential, targets' previous
/// values) with AES-256-GCM under a key that never enters the registry.
///
/// The key comes from `KEYCTL_MASTER_KEY` (base64 of 32 bytes) or a 0600 key file, created on
/// first use. As ssh does for private keys, a key file that is a symbolic link, not owned by the
/// user keyctl runs as, or open to its group or others in any way is refused: fix its owner or
/// mode (`chmod 600`), or, if someone else may have read it, rotate every key in flight. Each sealed value is bound to its rotation and purpose (authenticated data), so a
/// value copied onto another row does not open.
public struct SecretCustody: Sendable {
    private let key: SymmetricKey

    public init(key: SymmetricKey) { self.key = key }

    /// The custody key from `KEYCTL_MASTER_KEY`, else from `keyFile`, creating that file (0600,
    /// in a 0700 folder, written atomically) when it does not exist.
    public static func load(environment: [String: String], keyFile: String) throws -> SecretCustody {
        if let encoded = environment["KEYCTL_MASTER_KEY"], !encoded.isEmpty {
            guard let bytes = Data(base64Encoded: encoded), bytes.count == 32 else {
                throw CustodyError("KEYCTL_MASTER_KEY must be 32 random bytes, base64-encoded (openssl rand -base64 32)")
            }
            return SecretCustody(key: SymmetricKey(data: bytes))
        }
        if let existing = try read(keyFile) { return existing }
        let key = SymmetricKey(size: .bits256)
        let encoded = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        do {
            try AtomicFile.write(Data(encoded.utf8), to: keyFile, exclusive: true)
        } catch {
            // Another keyctl created it first: use theirs.
            if let existing = try read(keyFile) { return existing }
            throw CustodyError("cannot create the custody key file \(keyFile): \(error)")
        }
        return SecretCustody(key: key)
    }

    private static func read(_ keyFile: String) throws -> SecretCustody? {
        var status = stat()
        guard lstat(keyFile, &status) == 0 else { return nil }
        if let problem = KeyFile.exposure(of: keyFile) {
            throw CustodyError("the custody key file \(keyFile) \(problem); keyctl refuses to use it, as ssh refuses such private keys")
        }
        guard let data = FileManager.default.contents(atPath: keyFile) else {
            throw CustodyError("cannot read the custody key file \(keyFile): check its permissions")
        }
        guard let bytes = Data(base64Encoded: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              bytes.count == 32
        else { throw CustodyError("the custody key file \(keyFile) is not 32 base64-encoded bytes; restore it from your backup") }
        return SecretCustody(key: SymmetricKey(data: bytes))
    }


    /// Seals `secret` for `purpose` (such as `new-secret` or `snapshot-0`) of rotation `rotationID`.
    public func seal(_ secret: Secret, rotationID: String, purpose: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(secret.revealBytes(), using: key, authenticating: Array("\(rotationID)/\(purpose)".utf8))
        return Array(box.combined!)
    }

    /// Opens what `seal` produced. Throws `CustodyError` when the key is not the one that sealed it.
    public func open(_ sealed: [UInt8], rotationID: String, purpose: String) throws -> Secret {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed)
            let bytes = try AES.GCM.open(box, using: key, authenticating: Array("\(rotationID)/\(purpose)".utf8))
            return try Secret(bytes: Array(bytes))
        } catch {
            throw CustodyError(
                "cannot unseal the \(purpose) of rotation \(rotationID): the custody key (KEYCTL_MASTER_KEY or its key file) is not the one it was sealed with")
        }
    }
}

public struct CustodyError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
