import Foundation
import KeyStore
import NIOHTTP1
import Rotation

/// Deploys to one field of a HashiCorp Vault or OpenBao KV version 2 secret over the HTTP API.
/// Every write is a check-and-set against the version just read, so a concurrent writer is
/// detected (and the write redone on top of its version) rather than overwritten; the secret's
/// other fields are kept.
public struct VaultKVTarget: DeployTarget {
    public let name: String
    let call: HTTPCall
    let dataURL: String
    /// `https://vault.example.com:8200/v1/`, for the `sys/` and `auth/` checks of `preflight`.
    let apiURL: String
    /// The mount and the secret's data path within Vault, without slashes around: `secret`, `secret/data/apps/checkout`.
    let mount: String
    let dataPath: String
    let field: String
    let path: String
    let token: Secret
    let namespace: String?

    public var canReadBack: Bool { true }

    /// `address` such as `https://vault.example.com:8200`; `mount` the KV v2 engine (`secret`);
    /// `path` the secret within it; `field` the key inside the secret.
    public init(name: String, address: String, mount: String, path: String, field: String, token: Secret, namespace: String?, caFile: String?, timeoutSeconds: Int64) {
        self.name = name
        self.field = field
        self.path = path
        self.token = token
        self.namespace = namespace
        call = HTTPCall(adapter: "target \(name)", timeoutSeconds: timeoutSeconds, caFile: caFile)
        let base = address.hasSuffix("/") ? String(address.dropLast()) : address
        let trim: (String) -> String = { $0.trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
        apiURL = "\(base)/v1/"
        self.mount = trim(mount)
        dataPath = "\(trim(mount))/data/\(trim(path))"
        dataURL = apiURL + dataPath
    }

    /// The secret's fields and the version they were read at (0: no secret there yet).
    struct Stored {
        var fields: [String: Any]
        var version: Int
    }

    public func snapshot() async throws -> Secret? {
        try value(in: try await read())
    }

    public func currentSecret() async throws -> Secret? {
        try await snapshot()
    }

    public func deploy(_ secret: Secret) async throws {
        let stored = try await read()
        if let held = try value(in: stored), held.isEqual(to: secret) { return }
        var fields = stored.fields
        fields[field] = secret.revealText()
        try await write(fields, checkAndSet: stored.version)
    }

    public func restore(_ previous: Secret?) async throws {
        let stored = try await read()
        switch (try value(in: stored), previous) {
        case (nil, nil): return
        case (let held?, let previous?) where held.isEqual(to: previous): return
        default:
            var fields = stored.fields
            fields[field] = previous?.revealText()
            try await write(fields, checkAndSet: stored.version)
        }
    }

    // MARK: HTTP

    var headers: [(String, String)] {
        var headers = [("X-Vault-Token", token.revealText()), ("X-Vault-Request", "true")]
        if let namespace { headers.append(("X-Vault-Namespace", namespace)) }
        return headers
    }

    func read() async throws -> Stored {
        let answer = try await call.send(.GET, dataURL, headers: headers)
        if answer.status == 404 {
            // No secret, or its latest version deleted: a deleted version still counts for check-and-set.
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
            let metadata = (object?["data"] as? [String: Any])?["metadata"] as? [String: Any]
            return Stored(fields: [:], version: metadata?["version"] as? Int ?? 0)
        }
        guard answer.isSuccess else { throw answer.failure(adapter: call.adapter, reason: Self.errors(answer), redactor: SecretRedactor(secrets: [token])) }
        let object = try answer.jsonObject(adapter: call.adapter)
        guard let data = object["data"] as? [String: Any], let metadata = data["metadata"] as? [String: Any],
              let version = metadata["version"] as? Int
        else {
            throw AdapterError(.needsOperator, adapter: call.adapter, "\(answer.what) is not a KV version 2 secret (no data.metadata.version): check the mount")
        }
        return Stored(fields: data["data"] as? [String: Any] ?? [:], version: version)
    }

    func write(_ fields: [String: Any], checkAndSet version: Int) async throws {
        let body = try JSONSerialization.data(withJSONObject: ["options": ["cas": version], "data": fields])
        let answer = try await call.send(.POST, dataURL, headers: headers + [("Content-Type", "application/json")], body: Array(body))
        if answer.isSuccess { return }
        let reason = Self.errors(answer)
        if answer.status == 400, reason?.contains("check-and-set") == true {
            throw AdapterError(.retryable, adapter: call.adapter, "\(path) changed while keyctl wrote it (check-and-set); re-reading it")
        }
        let written = (fields[field] as? String).flatMap { try? Secret(bytes: Array($0.utf8)) }
        throw answer.failure(adapter: call.adapter, reason: reason, redactor: SecretRedactor(secrets: [token] + (written.map { [$0] } ?? [])))
    }

    func value(in stored: Stored) throws -> Secret? {
        guard let value = stored.fields[field] else { return nil }
        guard let text = value as? String else {
            throw AdapterError(.needsOperator, adapter: call.adapter, "field '\(field)' of \(path) is not a string")
        }
        return text.isEmpty ? nil : try Secret(bytes: Array(text.utf8))
    }

    /// Vault's `{"errors": [...]}` text.
    static func errors(_ answer: HTTPAnswer) -> String? {
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        let errors = (object?["errors"] as? [Any])?.compactMap { $0 as? String } ?? []
        return errors.isEmpty ? nil : errors.joined(separator: "; ")
    }
}
