import KeyStore
import Rotation

/// keyctl mints the key itself (see `LocalKeyFormat`). The registry is the source of truth for
/// such keys: a version that is not `revoked` is valid, so deleting one is recorded by the
/// rotation (the version becomes `revoked`) and there is nothing else to call.
public struct LocalIssuer: CredentialIssuer {
    public let prefix: String

    public init(prefix: String) { self.prefix = prefix }

    public func create(_ request: CredentialRequest) async throws -> IssuedCredential {
        IssuedCredential(secret: try Secret(bytes: Array(LocalKeyFormat.mint(prefix: prefix).utf8)), issuerRef: nil)
    }

    public func delete(_ credential: CredentialReference) async throws {}
}
