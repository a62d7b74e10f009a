import KeyStore

/// Creates and deletes credentials at whoever accepts them (keyctl itself, a provider's API).
///
/// Contract: `create` with an idempotency key already used returns the same credential again
/// rather than a second one, so a create retried after a crash orphans nothing. `delete` of a
/// credential that is already gone succeeds. Both throw `AdapterError`.
public protocol CredentialIssuer: Sendable {
    func create(_ request: CredentialRequest) async throws -> IssuedCredential
    func delete(_ credential: CredentialReference) async throws

    /// Suspends the old credential once the new one is verified (an IAM key made inactive), so that
    /// it fails from then on but can still be brought back while the grace period lasts. Idempotent.
    func deactivate(_ credential: CredentialReference) async throws

    /// Undoes `deactivate` when a rotation is aborted. Idempotent.
    func reactivate(_ credential: CredentialReference) async throws
}

extension CredentialIssuer {
    /// Issuers whose credentials have no inactive state keep the old one valid until it is deleted.
    public func deactivate(_ credential: CredentialReference) async throws {}
    public func reactivate(_ credential: CredentialReference) async throws {}
}

/// What the issuer is asked to create: a key with the same name, environment and scopes.
public struct CredentialRequest: Sendable, Equatable {
    public var name: KeyName
    public var env: EnvironmentName
    public var scopes: [String]
    public var idempotencyKey: String

    public init(name: KeyName, env: EnvironmentName, scopes: [String], idempotencyKey: String) {
        self.name = name
        self.env = env
        self.scopes = scopes
        self.idempotencyKey = idempotencyKey
    }
}

/// A credential the issuer created: the secret, and the issuer's own id for it.
public struct IssuedCredential: Sendable {
    public var secret: Secret
    public var issuerRef: String?

    public init(secret: Secret, issuerRef: String?) {
        self.secret = secret
        self.issuerRef = issuerRef
    }
}

/// Which credential to delete: the issuer's id when it gave one, the fingerprint when known,
/// and, for a create interrupted before its result was recorded, the idempotency key it was sent.
public struct CredentialReference: Sendable, Equatable {
    public var issuerRef: String?
    public var fingerprint: Fingerprint?
    public var idempotencyKey: String?

    public init(issuerRef: String?, fingerprint: Fingerprint?, idempotencyKey: String? = nil) {
        self.issuerRef = issuerRef
        self.fingerprint = fingerprint
        self.idempotencyKey = idempotencyKey
    }
}
