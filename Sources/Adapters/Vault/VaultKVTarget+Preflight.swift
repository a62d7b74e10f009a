import Foundation
import KeyStore
import Rotation

extension VaultKVTarget {
    /// Checks, before a rotation creates anything, and writing nothing: that `mount` is a KV
    /// version 2 engine (a version 1 mount would store keyctl's versioned write as a literal
    /// secret), that the token is valid and its policy lets it read and write the secret, and that
    /// the secret, if it exists, has the field as a string.
    public func preflight() async throws {
        try await checkMount()
        let granted = try await capabilities()
        if let granted, !granted.contains("root"), !granted.contains("read") {
            throw refused(needed: "read", granted: granted)
        }
        let stored = try await read()
        _ = try value(in: stored)
        let write = stored.version == 0 ? "create" : "update"
        if let granted, !granted.contains("root"), !granted.contains(write) {
            throw refused(needed: write, granted: granted)
        }
    }

    /// The engine at `mount`, as `GET /v1/sys/internal/ui/mounts/{mount}` describes it.
    private func checkMount() async throws {
        let answer = try await call.send(.GET, apiURL + "sys/internal/ui/mounts/" + mount, headers: headers)
        if answer.status == 403 {
            // Vault answers 403 both for a mount that does not exist and for a token it refuses.
            try await checkToken()
            throw needsOperator(
                "mount '\(mount)' does not exist, or the token's policy grants nothing in it: check 'mount' in keyctl.toml and the token's policy")
        }
        guard answer.isSuccess else { throw answer.failure(adapter: call.adapter, reason: Self.errors(answer), redactor: SecretRedactor(secrets: [token])) }
        let engine = try answer.jsonObject(adapter: call.adapter)["data"] as? [String: Any] ?? [:]
        let type = engine["type"] as? String ?? "unknown"
        guard type == "kv" || type == "generic" else {
            throw needsOperator("mount '\(mount)' is a '\(type)' secrets engine, not KV version 2: set 'mount' to a KV version 2 mount")
        }
        guard (engine["options"] as? [String: Any])?["version"] as? String == "2" else {
            throw needsOperator(
                "mount '\(mount)' is KV version 1, which would store keyctl's versioned write as a literal secret: upgrade it with `vault kv enable-versioning \(mount)` (or `bao kv enable-versioning \(mount)`), or set 'mount' to a KV version 2 mount")
        }
        if let mountedAt = (engine["path"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "/")), mountedAt != mount {
            throw needsOperator("'\(mount)' is a folder inside mount '\(mountedAt)', not a mount: set mount = \"\(mountedAt)\" and put the rest in 'path'")
        }
    }

    /// Throws when Vault refuses the token itself.
    private func checkToken() async throws {
        let answer = try await call.send(.GET, apiURL + "auth/token/lookup-self", headers: headers)
        if answer.status == 401 || answer.status == 403 {
            throw needsOperator(
                "Vault refused the token (expired, revoked, not a token of this server, or without the default policy): renew it or replace the one 'token' names")
        }
    }

    /// The token's capabilities on the secret; nil when the token may not ask (no default policy),
    /// in which case the write itself will tell.
    private func capabilities() async throws -> Set<String>? {
        let body = try JSONSerialization.data(withJSONObject: ["paths": [dataPath]])
        let answer = try await call.send(
            .POST, apiURL + "sys/capabilities-self", headers: headers + [("Content-Type", "application/json")], body: Array(body))
        if answer.status == 403 { return nil }
        guard answer.isSuccess else { throw answer.failure(adapter: call.adapter, reason: Self.errors(answer), redactor: SecretRedactor(secrets: [token])) }
        let data = try answer.jsonObject(adapter: call.adapter)["data"] as? [String: Any]
        return Set(data?[dataPath] as? [String] ?? []).subtracting(["deny"])
    }

    private func refused(needed: String, granted: Set<String>) -> AdapterError {
        let has = granted.isEmpty ? "nothing" : granted.sorted().joined(separator: ", ")
        return needsOperator("the token's policy does not grant '\(needed)' on \(dataPath) (it grants \(has)): grant read, create and update there")
    }

    private func needsOperator(_ message: String) -> AdapterError {
        AdapterError(.needsOperator, adapter: call.adapter, message)
    }
}
