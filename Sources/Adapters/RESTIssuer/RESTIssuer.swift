import Foundation
import KeyStore
import NIOHTTP1
import Rotation

/// A provider's REST admin API, described in keyctl.toml by request templates (see
/// docs/adapters/http-issuer.md): `create` answers with the new key, found by JSON pointers to its
/// secret and id; `delete` revokes a key by id. The admin credential comes from an `env:` or
/// `file:` reference and fills `{{credential}}`.
public struct RESTIssuer: CredentialIssuer {
    let call: HTTPCall
    let create: RequestTemplate
    let delete: RequestTemplate
    let secretPointer: JSONPointer
    let idPointer: JSONPointer?
    let credential: Secret
    /// Attempts per call made here; nil leaves retrying to the rotation's own policy.
    let retry: RetryPolicy?

    public init(
        name: String, create: RequestTemplate, delete: RequestTemplate, secretPointer: JSONPointer, idPointer: JSONPointer?,
        credential: Secret, timeoutSeconds: Int64, caFile: String?, retry: RetryPolicy?
    ) {
        call = HTTPCall(adapter: "issuer \(name)", timeoutSeconds: timeoutSeconds, caFile: caFile)
        self.create = create
        self.delete = delete
        self.secretPointer = secretPointer
        self.idPointer = idPointer
        self.credential = credential
        self.retry = retry
    }

    public func create(_ request: CredentialRequest) async throws -> IssuedCredential {
        let values: [String: RequestTemplate.Value] = [
            "name": .text(request.name.rawValue), "env": .text(request.env.rawValue), "scopes": .list(request.scopes),
            "idempotency_key": .text(request.idempotencyKey), "credential": .text(credential.revealText()),
        ]
        return try await attempt {
            let answer = try await send(create, values)
            guard answer.isSuccess else { throw answer.failure(adapter: call.adapter, reason: nil, redactor: SecretRedactor(secrets: [credential])) }
            let document = try answer.jsonObject(adapter: call.adapter)
            guard let secret = secretPointer.resolve(in: document) as? String, !secret.isEmpty else {
                throw AdapterError(.retryable, adapter: call.adapter, "\(answer.what) answered without a string at \(secretPointer)")
            }
            var id: String?
            if let idPointer {
                switch idPointer.resolve(in: document) {
                case let text as String: id = text
                case let number as NSNumber: id = number.stringValue
                default: throw AdapterError(.retryable, adapter: call.adapter, "\(answer.what) answered without an id at \(idPointer)")
                }
            }
            return IssuedCredential(secret: try Secret(bytes: Array(secret.utf8)), issuerRef: id)
        }
    }

    /// Deletes by id. A key already gone (404, 410) is deleted. For a create interrupted before
    /// its answer was recorded, the create is repeated with the same idempotency key, which an
    /// idempotent API answers with the same key, and that key is deleted.
    public func delete(_ credential: CredentialReference) async throws {
        var reference = credential
        if reference.issuerRef == nil, reference.fingerprint == nil, let idempotencyKey = reference.idempotencyKey {
            guard create.uses("idempotency_key"), idPointer != nil else { return }
            // The name and scopes do not matter: an idempotent API answers by the idempotency key.
            let orphan = try await create(CredentialRequest(name: KeyName("orphan")!, env: EnvironmentName("orphan")!, scopes: [], idempotencyKey: idempotencyKey))
            reference.issuerRef = orphan.issuerRef
        }
        if delete.uses("id"), reference.issuerRef == nil {
            throw AdapterError(
                .needsOperator, adapter: call.adapter,
                "the key's id at the provider is not registered, so it cannot be deleted by id: delete it by hand (register keys with `keyctl add --issuer-ref ID`)")
        }
        var values: [String: RequestTemplate.Value] = ["credential": .text(self.credential.revealText())]
        values["id"] = reference.issuerRef.map { .text($0) }
        values["fingerprint"] = reference.fingerprint.map { .text($0.rawValue) }
        try await attempt {
            let answer = try await send(delete, values)
            guard answer.isSuccess || answer.status == 404 || answer.status == 410 else {
                throw answer.failure(adapter: call.adapter, reason: nil, redactor: SecretRedactor(secrets: [self.credential]))
            }
        }
    }

    private func send(_ template: RequestTemplate, _ values: [String: RequestTemplate.Value]) async throws -> HTTPAnswer {
        try await call.send(
            HTTPMethod(rawValue: template.method), template.filledURL(values), headers: template.filledHeaders(values), body: template.filledBody(values))
    }

    /// Runs `operation` under this issuer's own retry policy, if it has one.
    private func attempt<T>(_ operation: () async throws -> T) async throws -> T {
        guard let retry else { return try await operation() }
        return try await retry.run(operation)
    }
}
