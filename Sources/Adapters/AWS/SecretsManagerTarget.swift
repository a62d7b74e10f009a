import Crypto
import Foundation
import KeyStore
import Rotation

/// Deploys to an AWS Secrets Manager secret the way Secrets Manager's own rotation does: the new
/// value goes in as a version staged `AWSPENDING`, then `AWSCURRENT` moves to it (Secrets Manager
/// puts `AWSPREVIOUS` on the version it left) and `AWSPENDING` is cleared. With `field` the secret
/// is a JSON object and only that field changes; without, the whole string is the key. With
/// `idField` too, that field holds the issuer's id for the key (an IAM access key id) and changes with it.
/// The secret must exist: keyctl does not create secrets (their policy and KMS key are the owner's).
public struct SecretsManagerTarget: DeployTarget {
    public let name: String
    let client: SecretsManagerClient
    let field: String?
    let idField: String?

    public var canReadBack: Bool { true }

    public init(name: String, secretID: String, field: String?, idField: String?, endpoint: String, region: String, credentials: AWSCredentials, caFile: String?, timeoutSeconds: Int64, clock: any WallClock) {
        self.name = name
        self.field = field
        self.idField = idField
        let call = HTTPCall(adapter: "target \(name)", timeoutSeconds: timeoutSeconds, caFile: caFile)
        let signer = SigV4Signer(credentials: credentials, region: region, service: "secretsmanager")
        client = SecretsManagerClient(endpoint: AWSEndpoint(call: call, url: endpoint, signer: signer, clock: clock), secretID: secretID)
    }

    public func snapshot() async throws -> Secret? {
        try extract(try await current().value)
    }

    public func currentSecret() async throws -> Secret? {
        try await snapshot()
    }

    public func deploy(_ secret: Secret) async throws {
        try await deploy(secret, issuerRef: nil)
    }

    /// Deploys `secret` and, with `idField`, `issuerRef` beside it in the same version.
    public func deploy(_ secret: Secret, issuerRef: String?) async throws {
        if let idField, issuerRef == nil {
            throw AdapterError(
                .needsOperator, adapter: "target \(name)",
                "'id_field' (\(idField)) is set but the issuer gave the new key no id to put there: use it with an issuer that gives one (aws-iam), or remove it")
        }
        let current = try await current()
        if try holds(current.value, secret, id: issuerRef) {
            try await clearPending()
            return
        }
        try await makeCurrent(try replacing(current.value, with: secret, id: issuerRef), instead: current)
        try await clearPending()
    }

    public func restore(_ previous: Secret?) async throws {
        try await restore(previous, issuerRef: nil)
    }

    /// Makes `previous` (and, with `idField`, the old key's id `issuerRef`) current again: by moving
    /// `AWSCURRENT` back to the `AWSPREVIOUS` version when that holds them, else by adding a version
    /// that does. Without `issuerRef` the id field is left as the version found holds it.
    public func restore(_ previous: Secret?, issuerRef: String?) async throws {
        let current = try await current()
        if try !holds(current.value, previous, id: issuerRef) {
            let stages = try await client.stages()
            if let priorID = stages.first(where: { $0.value.contains("AWSPREVIOUS") })?.key,
               let prior = try await client.value(versionID: priorID), try holds(prior.value, previous, id: issuerRef)
            {
                try await client.moveStage("AWSCURRENT", to: priorID, from: current.id)
            } else {
                try await makeCurrent(try replacing(current.value, with: previous, id: issuerRef), instead: current)
            }
        }
        try await clearPending()
    }

    // MARK: Values

    func current() async throws -> SecretsManagerClient.Version {
        guard let current = try await client.value(stage: "AWSCURRENT") else {
            throw AdapterError(.needsOperator, adapter: "target \(name)", "secret \(client.secretID) does not exist in this region: create it first (keyctl does not create secrets)")
        }
        return current
    }

    /// Adds a version holding `value`, staged `AWSPENDING`, and moves `AWSCURRENT` to it from `current`.
    /// The version's token is derived from the value, so a call retried after a crash re-puts the same version.
    private func makeCurrent(_ value: String, instead current: SecretsManagerClient.Version) async throws {
        let pending = try await client.put(value, token: Self.requestToken(value), stages: ["AWSPENDING"])
        try await client.moveStage("AWSCURRENT", to: pending, from: current.id)
    }

    private func clearPending() async throws {
        for (versionID, stages) in try await client.stages() where stages.contains("AWSPENDING") {
            try await client.moveStage("AWSPENDING", to: nil, from: versionID)
        }
    }

    /// The key in a secret's string: the field's value, or the whole string.
    func extract(_ value: String) throws -> Secret? {
        guard let field else { return try Secret(bytes: Array(value.utf8)) }
        guard let text = try object(value)[field] as? String, !text.isEmpty else { return nil }
        return try Secret(bytes: Array(text.utf8))
    }

    /// Whether the secret's string holds `secret` and, when `id` is given and there is an
    /// `idField`, that id beside it.
    func holds(_ value: String, _ secret: Secret?, id: String?) throws -> Bool {
        guard Self.same(try extract(value), secret) else { return false }
        guard let idField, let id else { return true }
        return try object(value)[idField] as? String == id
    }

    /// The secret's string with the key replaced (or, for nil, the field removed) and, when `id` is
    /// given and there is an `idField`, the id too; other fields kept.
    func replacing(_ value: String, with secret: Secret?, id: String?) throws -> String {
        guard let field else {
            guard let secret else { throw AdapterError(.needsOperator, adapter: "target \(name)", "a plain string secret cannot be emptied") }
            return secret.revealText()
        }
        var object = try object(value)
        object[field] = secret?.revealText()
        if let idField, let id { object[idField] = id }
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    private func object(_ value: String) throws -> [String: Any] {
        if value.isEmpty { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any] else {
            throw AdapterError(
                .needsOperator, adapter: "target \(name)",
                "secret \(client.secretID) is not a JSON object, so field '\(field ?? "")' cannot be set: remove json_field to treat it as a plain string")
        }
        return object
    }

    static func same(_ left: Secret?, _ right: Secret?) -> Bool {
        switch (left, right) {
        case (nil, nil): true
        case (let left?, let right?): left.isEqual(to: right)
        default: false
        }
    }

    /// A `ClientRequestToken` (32-64 characters) determined by the value.
    static func requestToken(_ value: String) -> String {
        SHA256.hash(data: Array("keyctl-version:\(value)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
