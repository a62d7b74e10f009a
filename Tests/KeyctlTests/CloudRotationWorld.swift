import Crypto
import Foundation
import Testing
import KeyctlTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Which real adapters a `CloudRotationWorld` rotates with.
enum CloudSetup: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// REST issuer (the loopback provider's admin API) → OpenBao KV v2 → HTTP verifier.
    case vault
    /// REST issuer → AWS Secrets Manager (one JSON field) on moto → HTTP verifier.
    case secretsManager
    /// AWS IAM access keys on moto → AWS Secrets Manager on moto; no verifier (moto accepts any key).
    case awsIAM

    var testDescription: String { rawValue }
}

/// A rotation of key `checkout` in prod with real adapters against real servers on loopback:
/// OpenBao and moto (shared by the test process), the provider, and a toggle proxy in front of
/// the issuer's service and one in front of the store's, so a test can take either down.
final class CloudRotationWorld: @unchecked Sendable {
    let setup: CloudSetup
    let folder = TemporaryFolder()
    let services: LoopbackServices
    let provider: ProviderServer
    let issuerProxy: ToggleProxy
    let storeProxy: ToggleProxy
    /// Unique per world, so that worlds share OpenBao and moto without meeting.
    let tag = "w" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
    var everythingPrinted = ""
    /// The secret registered before the rotation, and its id at the issuer.
    private(set) var original = ""
    private(set) var originalID = ""
    /// The aws-iam issuer's `deactivate` setting; nil: not set (the default).
    let deactivate: String?

    init(_ setup: CloudSetup, deactivate: String? = nil) throws {
        self.setup = setup
        self.deactivate = deactivate
        services = try LoopbackServices.shared()
        provider = try ProviderServer()
        issuerProxy = try ToggleProxy(to: setup == .awsIAM ? services.motoURL : provider.url)
        storeProxy = try ToggleProxy(to: setup == .vault ? services.baoURL : services.motoURL)
        folder.write("keyctl.toml", config)
        _ = try keyctl("init")
    }

    var secretPath: String { "\(tag)/checkout" }
    var iamUser: String { "\(tag)-checkout" }
    var field: String { setup == .awsIAM ? "aws_secret_access_key" : "api_key" }

    private var config: String {
        let issuer = setup == .awsIAM
            ? """
            [issuers.keys]
            type = "aws-iam"
            user = "\(tag)-{name}"
            endpoint = "\(issuerProxy.url)"
            timeout_seconds = 3
            \(deactivate.map { "deactivate = \"\($0)\"" } ?? "")
            """
            : """
            [issuers.keys]
            type = "http"
            credential = "env:PROVIDER_ADMIN_TOKEN"
            secret_pointer = "/api_key/token"
            id_pointer = "/api_key/id"
            timeout_seconds = 2

            [issuers.keys.create]
            method = "POST"
            url = "\(issuerProxy.url)/api/admin/api_keys"
            headers = ["Authorization: Bearer {{credential}}", "Idempotency-Key: {{idempotency_key}}"]
            body = '{"api_key": {"title": {{name}}, "environment": {{env}}, "scopes": {{scopes}}}}'

            [issuers.keys.delete]
            method = "DELETE"
            url = "\(issuerProxy.url)/api/admin/api_keys/{{id}}"
            headers = ["Authorization: Bearer {{credential}}"]
            """
        let target = setup == .vault
            ? """
            [targets.store]
            type = "vault"
            address = "\(storeProxy.url)"
            mount = "secret"
            path = "\(tag)/{name}"
            field = "api_key"
            token = "env:BAO_TOKEN"
            timeout_seconds = 2
            """
            : """
            [targets.store]
            type = "aws-secretsmanager"
            secret_id = "\(tag)/{name}"
            json_field = "\(field)"
            \(setup == .awsIAM ? "id_field = \"aws_access_key_id\"" : "")
            endpoint = "\(storeProxy.url)"
            region = "us-east-1"
            timeout_seconds = 3
            """
        let verifier = setup == .awsIAM ? "" : """
            [verifiers.app]
            type = "http"
            url = "\(provider.url)/check"
            timeout_seconds = 2
            """
        return """
            [rotation]
            issuer = "keys"
            targets = ["store"]
            \(setup == .awsIAM ? "" : "verifier = \"app\"")
            grace = "0m"

            \(issuer)

            \(target)

            \(verifier)
            """
    }

    var environment: [String: String] {
        [
            "KEYCTL_DB": folder.file("registry.db"), "KEYCTL_CONFIG": folder.file("keyctl.toml"), "KEYCTL_ACTOR": "e2e",
            "XDG_CONFIG_HOME": folder.file("config"), "HOME": folder.path, "KEYCTL_RETRIES": "2",
            "PROVIDER_ADMIN_TOKEN": ProviderServer.adminToken, "BAO_TOKEN": services.baoToken,
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        ]
    }

    @discardableResult
    func keyctl(_ arguments: String..., stdin: String = "", extra: [String: String] = [:]) throws -> KeyctlProcess.Result {
        let result = try KeyctlProcess.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
        everythingPrinted += result.stdout + result.stderr
        return result
    }

    /// Issues the original key, stores it (beside another field that must be kept) and registers it.
    func addKey() async throws {
        switch setup {
        case .vault, .secretsManager:
            (originalID, original) = try await provider.issueKey(idempotencyKey: "seed-\(tag)")
        case .awsIAM:
            let key = try cloud("iam-user", iamUser)
            originalID = key["id"] as? String ?? ""
            original = key["secret"] as? String ?? ""
        }
        var fields = [field: original, "other": "keep"]
        if setup == .awsIAM { fields["aws_access_key_id"] = originalID }
        let document = try JSONSerialization.data(withJSONObject: fields)
        if setup == .vault {
            try await baoWrite(document)
        } else {
            _ = try cloud("sm-create", secretPath, String(decoding: document, as: UTF8.self))
        }
        let added = try keyctl("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--issuer-ref", originalID, "--secret-stdin", stdin: original)
        precondition(added.code == 0, added.stderr)
    }

    // MARK: What the store and the issuer hold, read with other clients than keyctl's

    /// The store's current secret document.
    func storedDocument() async throws -> [String: Any] {
        if setup == .vault {
            var request = URLRequest(url: URL(string: "\(services.baoURL)/v1/secret/data/\(secretPath)")!)
            request.setValue(services.baoToken, forHTTPHeaderField: "X-Vault-Token")
            let (data, _) = try await URLSession.shared.data(for: request)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return (object?["data"] as? [String: Any])?["data"] as? [String: Any] ?? [:]
        }
        let current = try cloud("state", secretPath, "-")["current"] as? String ?? "{}"
        return try JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: Any] ?? [:]
    }

    func deployedSecret() async throws -> String? {
        try await storedDocument()[field] as? String
    }

    private func baoWrite(_ document: Data) async throws {
        var request = URLRequest(url: URL(string: "\(services.baoURL)/v1/secret/data/\(secretPath)")!)
        request.httpMethod = "POST"
        request.setValue(services.baoToken, forHTTPHeaderField: "X-Vault-Token")
        request.httpBody = Data("{\"data\":".utf8) + document + Data("}".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        precondition((response as? HTTPURLResponse)?.statusCode == 200)
    }

    /// `Tests/Fixtures/cloud.py` against moto.
    func cloud(_ arguments: String...) throws -> [String: Any] {
        try services.cloud(arguments)
    }

    /// Creates a second access key for the user, as someone other than keyctl would.
    func createAccessKeyOutsideKeyctl() throws -> [String: Any] {
        try cloud("iam-key", iamUser)
    }

    /// The user's access keys at IAM: id → status.
    func accessKeys() throws -> [String: String] {
        let keys = try cloud("state", "-", iamUser)["keys"] as? [[String: String]] ?? []
        return Dictionary(keys.map { ($0["id"] ?? "", $0["status"] ?? "") }) { $1 }
    }

    /// Secrets Manager's staging labels: stage → the value of the version holding it.
    func stagedValues() throws -> [String: String] {
        let state = try cloud("state", secretPath, "-")
        let stages = state["stages"] as? [String: [String]] ?? [:]
        let values = state["values"] as? [String: String] ?? [:]
        var staged: [String: String] = [:]
        for (version, labels) in stages {
            for label in labels { staged[label] = values[version] }
        }
        return staged
    }

    static func field(_ field: String, of document: String) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])?[field] as? String
    }

    static func fingerprint(_ secret: String) -> String {
        "sha256:" + SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: Invariants

    /// What is wrong after a rotation that should be complete (empty when all is well).
    func problemsAfterRotation() async throws -> [String] {
        var problems: [String] = []
        let document = try await storedDocument()
        guard let deployed = document[field] as? String else { return ["the store holds no \(field)"] }
        if deployed == original { problems.append("the store still holds the original secret") }
        if document["other"] as? String != "keep" { problems.append("the secret's other field was not kept") }
        let shown = try keyctl("show", "checkout", "--env", "prod", "--format", "json")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let current = (json?["versions"] as? [[String: Any]] ?? []).filter { $0["stage"] as? String == "current" }
        if current.count != 1 || current.first?["fingerprint"] as? String != Self.fingerprint(deployed) {
            problems.append("the registry's current version is not the deployed secret")
        }
        switch setup {
        case .vault, .secretsManager:
            let valid = try await provider.validFingerprints()
            if valid != [Self.fingerprint(deployed)] { problems.append("the provider holds \(valid.count) valid keys, not just the deployed one") }
        case .awsIAM:
            let keys = try accessKeys()
            let currentID = current.first?["issuer_ref"] as? String
            if keys.count != 1 || currentID == nil || keys[currentID!] != "Active" {
                problems.append("IAM holds \(keys), not just the registered new key, active")
            }
            if try await storedDocument()["aws_access_key_id"] as? String != currentID {
                problems.append("the secret's access key id is not the new key's")
            }
        }
        if setup != .vault {
            let staged = try stagedValues()
            if staged["AWSPENDING"] != nil { problems.append("AWSPENDING is left on a version") }
            if staged["AWSPREVIOUS"].map({ Self.field(field, of: $0) == original }) != true { problems.append("AWSPREVIOUS is not on the original value") }
        }
        if try keyctl("rotations", "--active", "--format", "json").stdout.contains("\"name\":\"checkout\"") {
            problems.append("a rotation is still in flight")
        }
        return problems
    }

    /// What is wrong after an abort (empty when everything is as before the rotation).
    func problemsAfterAbort() async throws -> [String] {
        var problems: [String] = []
        let document = try await storedDocument()
        if document[field] as? String != original { problems.append("the store does not hold the original secret") }
        if document["other"] as? String != "keep" { problems.append("the secret's other field was not kept") }
        switch setup {
        case .vault, .secretsManager:
            if try await provider.validFingerprints() != [Self.fingerprint(original)] { problems.append("the provider's valid keys are not just the original") }
        case .awsIAM:
            let keys = try accessKeys()
            if keys != [originalID: "Active"] { problems.append("IAM holds \(keys), not just the original key, active") }
            if document["aws_access_key_id"] as? String != originalID { problems.append("the secret's access key id is not the original") }
        }
        if setup != .vault, try stagedValues()["AWSPENDING"] != nil { problems.append("AWSPENDING is left on a version") }
        let shown = try keyctl("show", "checkout", "--env", "prod", "--format", "json").stdout
        if !shown.contains("\"rotated_at\":null") { problems.append("the key counts as rotated") }
        if try keyctl("rotations", "--active", "--format", "json").stdout.contains("\"name\":\"checkout\"") {
            problems.append("a rotation is still in flight")
        }
        return problems
    }

    /// The service the issuer or the deploy target talks to.
    enum Service: String, CustomTestStringConvertible, Sendable {
        case issuer, store
        var testDescription: String { rawValue }
    }

    func proxy(_ service: Service) -> ToggleProxy {
        service == .issuer ? issuerProxy : storeProxy
    }
}
