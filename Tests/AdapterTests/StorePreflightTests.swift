@testable import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `preflight` of the secret-store targets, against the real OpenBao and moto servers: a target
/// that cannot take a secret says so, and what to do, before a rotation creates anything.
struct StorePreflightTests {
    let services: LoopbackServices
    let unique = "pre-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        services = try LoopbackServices.shared()
    }

    func vault(mount: String = "secret", path: String? = nil, token: String? = nil) throws -> VaultKVTarget {
        VaultKVTarget(
            name: "bao", address: services.baoURL, mount: mount, path: path ?? "\(unique)/checkout", field: "api_key",
            token: try Secret(reading: token ?? services.baoToken), namespace: nil, caFile: nil, timeoutSeconds: 5)
    }

    @Test func aKVVersion1MountFailsPreflightAndNothingIsWrittenThere() async throws {
        let mount = "kv1-\(unique)"
        #expect(try await bao(.POST, "sys/mounts/\(mount)", ["type": "kv", "options": ["version": "1"]]).status == 204)
        let target = try vault(mount: mount)
        let error = await #expect(throws: AdapterError.self) { try await target.preflight() }
        #expect(error?.kind == .needsOperator)
        #expect(error?.message.contains("mount '\(mount)' is KV version 1") == true, "\(error?.description ?? "")")
        #expect(error?.message.contains("kv enable-versioning \(mount)") == true)
        #expect(try await bao(.GET, "\(mount)/data/\(unique)/checkout").status == 404)
    }

    @Test func aKVVersion2MountWithAWritableTokenPassesPreflight() async throws {
        try await vault().preflight()
        try await vault().deploy(try Secret(reading: "sk_preflight_value_000000"))
        try await vault().preflight()
    }

    @Test func aMountThatIsNotThereOrNotKVOrAFolderIsNamed() async throws {
        let missing = await #expect(throws: AdapterError.self) { try await vault(mount: "nothere-\(unique)").preflight() }
        #expect(missing?.message.contains("mount 'nothere-\(unique)' does not exist") == true, "\(missing?.description ?? "")")
        let cubbyhole = await #expect(throws: AdapterError.self) { try await vault(mount: "cubbyhole").preflight() }
        #expect(cubbyhole?.message.contains("is a 'cubbyhole' secrets engine, not KV version 2") == true, "\(cubbyhole?.description ?? "")")
        let folder = await #expect(throws: AdapterError.self) { try await vault(mount: "secret/apps").preflight() }
        #expect(folder?.message.contains("set mount = \"secret\"") == true, "\(folder?.description ?? "")")
    }

    @Test func aRefusedTokenIsNamedAsTheProblem() async throws {
        let error = await #expect(throws: AdapterError.self) { try await vault(token: "s.not-a-real-token").preflight() }
        #expect(error?.kind == .needsOperator)
        #expect(error?.message.contains("Vault refused the token") == true, "\(error?.description ?? "")")
        #expect(error?.description.contains("s.not-a-real-token") == false)
    }

    @Test func aTokenThatMayOnlyReadIsRefusedWithTheCapabilityItLacks() async throws {
        let policy = "path \"secret/data/\(unique)/*\" { capabilities = [\"read\"] }"
        #expect(try await bao(.PUT, "sys/policies/acl/\(unique)", ["policy": policy]).status == 204)
        let created = try await bao(.POST, "auth/token/create", ["policies": [unique]])
        let token = try #require((created.object["auth"] as? [String: Any])?["client_token"] as? String)
        let error = await #expect(throws: AdapterError.self) { try await vault(token: token).preflight() }
        #expect(error?.message.contains("does not grant 'create' on secret/data/\(unique)/checkout (it grants read)") == true, "\(error?.description ?? "")")
    }

    @Test func aSecretsManagerSecretMustExistAndNotBeScheduledForDeletion() async throws {
        let target = try secretsManager(unique, field: "api_key")
        let missing = await #expect(throws: AdapterError.self) { try await target.preflight() }
        #expect(missing?.message.contains("secret \(unique) does not exist in this region: create it first") == true, "\(missing?.description ?? "")")
        _ = try services.cloud(["sm-create", unique, #"{"api_key": "sk_old_value_0000000000", "other": "keep"}"#])
        try await target.preflight()
        _ = try services.cloud(["sm-delete", unique])
        let deleted = await #expect(throws: AdapterError.self) { try await target.preflight() }
        #expect(deleted?.kind == .needsOperator)
        #expect(deleted?.message.contains("scheduled for deletion: restore it") == true, "\(deleted?.description ?? "")")
    }

    @Test func aSecretThatIsNotJSONFailsPreflightWithJSONField() async throws {
        _ = try services.cloud(["sm-create", unique, "sk_plain_value_0000000000"])
        let error = await #expect(throws: AdapterError.self) { try await secretsManager(unique, field: "api_key").preflight() }
        #expect(error?.message.contains("is not a JSON object") == true, "\(error?.description ?? "")")
        try await secretsManager(unique, field: nil).preflight()
    }

    func secretsManager(_ secretID: String, field: String?) throws -> SecretsManagerTarget {
        SecretsManagerTarget(
            name: "sm", secretID: secretID, field: field, idField: nil, endpoint: services.motoURL, region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: try Secret(reading: "testing")), caFile: nil, timeoutSeconds: 5,
            clock: SystemClock())
    }

    enum Method: String { case GET, POST, PUT }

    /// Calls OpenBao's HTTP API with the root token, as an operator would.
    func bao(_ method: Method, _ path: String, _ body: [String: Any]? = nil) async throws -> (status: Int, object: [String: Any]) {
        var request = URLRequest(url: URL(string: "\(services.baoURL)/v1/\(path)")!)
        request.httpMethod = method.rawValue
        request.setValue(services.baoToken, forHTTPHeaderField: "X-Vault-Token")
        request.httpBody = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
    }
}
