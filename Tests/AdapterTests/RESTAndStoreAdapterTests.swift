@testable import Adapters
@testable import KeyctlConfig
import Foundation
import KeyStore

import KeyctlTestSupport
import Rotation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct RequestTemplateTests {
    let template = RequestTemplate(
        method: "POST", url: "https://shop.example.com/admin/keys/{{id}}",
        headers: ["Authorization: Bearer {{credential}}", "Idempotency-Key: {{idempotency_key}}"],
        body: #"{"title": {{name}}, "scopes": {{scopes}}, "note": "{{not_a_value}}"}"#)

    @Test func valuesAreEncodedForWhereTheyGo() throws {
        let values: [String: RequestTemplate.Value] = [
            "id": .text("a/b c"), "credential": .text("tok"), "idempotency_key": .text("k-1"), "name": .text("say \"hi\""), "scopes": .list(["orders:write", "*"]),
        ]
        #expect(template.filledURL(values) == "https://shop.example.com/admin/keys/a%2Fb%20c")
        #expect(template.filledHeaders(values).map { "\($0.0)=\($0.1)" } == ["Authorization=Bearer tok", "Idempotency-Key=k-1"])
        let body = try #require(template.filledBody(values))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(object["title"] as? String == "say \"hi\"")
        #expect(object["scopes"] as? [String] == ["orders:write", "*"])
        #expect(object["note"] as? String == "{{not_a_value}}")
    }

    @Test func aFilledInValueIsNeverSearchedForPlaceholders() {
        let filled = template.filledURL(["id": .text("{{credential}}"), "credential": .text("tok")])
        #expect(!filled.contains("tok"))
    }

    @Test(arguments: [("/api_key/token", "t"), ("/keys/1/id", "7"), ("/a~1b/c~0d", "x"), ("/missing", nil)])
    func jsonPointersFollowRFC6901(pointer: String, expected: String?) throws {
        let document: [String: Any] = ["api_key": ["token": "t"], "keys": [["id": "6"], ["id": "7"]], "a/b": ["c~d": "x"]]
        let resolved = try #require(JSONPointer(pointer)).resolve(in: document)
        #expect(resolved as? String == expected)
    }
}

struct StoreAdapterConfigurationTests {
    let example = """
        [issuers.shop]
        type = "http"
        credential = "env:SHOP_ADMIN_TOKEN"
        secret_pointer = "/api_key/token"
        id_pointer = "/api_key/id"
        attempts = 3

        [issuers.shop.create]
        url = "https://shop.example.com/admin/api/api_keys.json"
        headers = ["X-Admin-Token: {{credential}}", "Idempotency-Key: {{idempotency_key}}"]
        body = '{"api_key": {"title": {{name}}, "scopes": {{scopes}}}}'

        [issuers.shop.delete]
        method = "DELETE"
        url = "https://shop.example.com/admin/api/api_keys/{{id}}.json"
        headers = ["X-Admin-Token: {{credential}}"]

        [issuers.iam]
        type = "aws-iam"
        user = "{name}-{env}"

        [issuers.iam-late]
        type = "aws-iam"
        user = "ci"
        deactivate = "at-delete"

        [targets.vault]
        type = "vault"
        address = "https://vault.example.com:8200"
        path = "apps/{name}/{env}"
        field = "api_key"
        namespace = "team-a"
        ca_file = "/etc/ssl/vault-ca.pem"

        [targets.sm]
        type = "aws-secretsmanager"
        secret_id = "prod/{name}"
        json_field = "api_key"
        region = "eu-west-1"
        profile = "rotation"

        [targets.sm-iam]
        type = "aws-secretsmanager"
        secret_id = "ci/{name}"
        json_field = "aws_secret_access_key"
        id_field = "aws_access_key_id"
        """

    @Test func readsEveryStoreAndProviderSetting() throws {
        let configuration = try KeyctlConfiguration(parsing: example, file: "keyctl.toml")
        guard case .http(let shop)? = configuration.issuers["shop"] else { Issue.record("no http issuer"); return }
        #expect(shop.create.method == "POST")
        #expect(shop.delete.uses("id"))
        #expect(shop.attempts == 3)
        #expect(shop.credential == "env:SHOP_ADMIN_TOKEN")
        #expect(configuration.issuers["iam"] == .awsIAM(user: "{name}-{env}", deactivation: .atVerify, connection: AWSConnection(region: nil, endpoint: nil, profile: nil, caFile: nil, timeoutSeconds: 10)))
        guard case .awsIAM(_, .atDelete, _)? = configuration.issuers["iam-late"] else { Issue.record("deactivate not read"); return }
        guard case .awsSecretsManager(_, "aws_secret_access_key", "aws_access_key_id", _)? = configuration.targets["sm-iam"] else {
            Issue.record("id_field not read"); return
        }
        guard case .vault(let vault)? = configuration.targets["vault"] else { Issue.record("no vault target"); return }
        #expect(vault.token == "env:VAULT_TOKEN")
        #expect(vault.mount == "secret")
        #expect(vault.caFile == "/etc/ssl/vault-ca.pem")
        #expect(configuration.targets["sm"] == .awsSecretsManager(
            secretID: "prod/{name}", jsonField: "api_key", idField: nil,
            connection: AWSConnection(region: "eu-west-1", endpoint: nil, profile: "rotation", caFile: nil, timeoutSeconds: 10)))
    }

    @Test func adaptersAreBuiltWithTheirCredentialsResolved() throws {
        // A CA file is read when the adapter is built; this one does not exist here.
        let configuration = try KeyctlConfiguration(
            parsing: example.replacingOccurrences(of: "ca_file = \"/etc/ssl/vault-ca.pem\"", with: "") + "\n[rotation]\nissuer = \"shop\"\ntargets = [\"vault\", \"sm\"]\n[keys.admin]\nissuer = \"iam\"\ntargets = [\"vault\"]\n", file: "keyctl.toml")
        let environment = ["SHOP_ADMIN_TOKEN": "shpat_admin", "VAULT_TOKEN": "hvs.x", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s", "HOME": "/nonexistent"]
        let setup = RotationSetup(configuration: configuration, environment: environment, clock: ManualClock("2026-11-29"))
        let adminPlan = try setup.plan(for: KeyName("admin")!, in: EnvironmentName("prod")!, grace: nil, emergency: false)
        let admin = try setup.adapters(for: adminPlan, KeyName("admin")!, EnvironmentName("prod")!)
        #expect(admin.issuer is IAMAccessKeyIssuer)
        #expect(admin.targets.map(\.name) == ["vault"])
        let plan = try setup.plan(for: KeyName("checkout")!, in: EnvironmentName("prod")!, grace: nil, emergency: false)
        // The sm target names profile "rotation", which is not in a credentials file here.
        #expect(throws: AdapterError.self) { try setup.adapters(for: plan, KeyName("checkout")!, EnvironmentName("prod")!) }
        let withoutToken = RotationSetup(configuration: configuration, environment: [:], clock: ManualClock("2026-11-29"))
        #expect(throws: (any Error).self) { try withoutToken.adapters(for: plan, KeyName("checkout")!, EnvironmentName("prod")!) }
    }

    @Test(arguments: [
        ("[targets.v]\ntype = \"vault\"\npath = \"a\"\nfield = \"f\"\ntoken = \"hvs.inline\"\n", 5, "never the secret itself"),
        ("[targets.v]\ntype = \"vault\"\naddress = \"http://vault.example.com\"\npath = \"a\"\nfield = \"f\"\n", 3, "must use https"),
        ("[targets.v]\ntype = \"vault\"\npath = \"a\"\n", 1, "needs 'field'"),
        ("[targets.s]\ntype = \"aws-secretsmanager\"\n", 1, "needs 'secret_id'"),
        ("[issuers.i]\ntype = \"aws-iam\"\nuser = \"u\"\nregionn = \"x\"\n", 4, "unknown setting 'regionn'"),
        ("[issuers.i]\ntype = \"aws-iam\"\nuser = \"u\"\ndeactivate = \"later\"\n", 4, "'deactivate' must be \"at-verify\" or \"at-delete\""),
        ("[targets.s]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"\nid_field = \"id\"\n", 4, "'id_field' needs 'json_field'"),
        ("[targets.s]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"\njson_field = \"k\"\nid_field = \"k\"\n", 5, "a different field"),
        ("[issuers.h]\ntype = \"http\"\ncredential = \"env:T\"\nsecret_pointer = \"/s\"\n[issuers.h.create]\nurl = \"https://p.example.com/k\"\nbody = '{\"name\": \"{{name}}\"}'\n[issuers.h.delete]\nurl = \"https://p.example.com/k\"\n", 7, "must be JSON once"),
        ("[issuers.h]\ntype = \"http\"\ncredential = \"env:T\"\nsecret_pointer = \"/s\"\n[issuers.h.create]\nurl = \"https://p.example.com/k\"\n[issuers.h.delete]\nurl = \"https://p.example.com/k/{{id}}\"\n", 1, "needs 'id_pointer'"),
        ("[issuers.h]\ntype = \"http\"\ncredential = \"env:T\"\nsecret_pointer = \"s\"\n[issuers.h.create]\nurl = \"https://p.example.com/k\"\n[issuers.h.delete]\nurl = \"https://p.example.com/k\"\n", 4, "JSON pointer"),
        ("[issuers.h]\ntype = \"http\"\ncredential = \"env:T\"\nsecret_pointer = \"/s\"\n[issuers.h.create]\nurl = \"https://p.example.com/k?t={{credential}}\"\n[issuers.h.delete]\nurl = \"https://p.example.com/k\"\n", 5, "header only"),
    ])
    func storeAndProviderMistakesNameTheLine(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }
}

/// Adapters driven directly against the real OpenBao and moto servers.
struct StoreAdapterTests {
    @Test func aConcurrentVaultWriterIsDetectedAndItsFieldsKept() async throws {
        let services = try LoopbackServices.shared()
        let path = "unit-\(UUID().uuidString.prefix(8))/checkout"
        let target = VaultKVTarget(
            name: "bao", address: services.baoURL, mount: "secret", path: path, field: "api_key", token: try Secret(reading: services.baoToken),
            namespace: nil, caFile: nil, timeoutSeconds: 5)
        #expect(try await target.snapshot() == nil)
        try await target.deploy(try Secret(reading: "sk_first_value_0000000000"))
        // Another writer adds a field after keyctl read the secret, before keyctl writes.
        let stale = try await target.read()
        try await baoWrite(services, path, ["api_key": "sk_first_value_0000000000", "db_password": "theirs"], cas: stale.version)
        var fields = stale.fields
        fields["api_key"] = "sk_second_value_000000000"
        let error = await #expect(throws: AdapterError.self) { try await target.write(fields, checkAndSet: stale.version) }
        #expect(error?.kind == .retryable)
        #expect(error?.message.contains("check-and-set") == true)
        // Deploy re-reads: the other writer's field survives.
        try await target.deploy(try Secret(reading: "sk_second_value_000000000"))
        let after = try await target.read()
        #expect(after.fields["db_password"] as? String == "theirs")
        #expect(after.fields["api_key"] as? String == "sk_second_value_000000000")
        try await target.restore(nil)
        #expect(try await target.read().fields["api_key"] == nil)
        #expect(try await target.read().fields["db_password"] as? String == "theirs")
    }

    @Test func aPlainStringSecretMovesAWSCURRENTAndBack() async throws {
        let services = try LoopbackServices.shared()
        let name = "unit-\(UUID().uuidString.prefix(8))"
        let target = SecretsManagerTarget(
            name: "sm", secretID: name, field: nil, idField: nil, endpoint: services.motoURL, region: "us-east-1",
            credentials: AWSCredentials(accessKeyID: "testing", secretAccessKey: try Secret(reading: "testing")), caFile: nil, timeoutSeconds: 5,
            clock: SystemClock())
        let missing = await #expect(throws: AdapterError.self) { try await target.snapshot() }
        #expect(missing?.message.contains("does not exist") == true)
        _ = try services.cloud(["sm-create", name, "sk_old_plain_value_0000000"])
        let old = try #require(try await target.snapshot())
        try await target.deploy(try Secret(reading: "sk_new_plain_value_0000000"))
        try await target.deploy(try Secret(reading: "sk_new_plain_value_0000000"))
        #expect(try await target.currentSecret()?.revealText() == "sk_new_plain_value_0000000")
        try await target.restore(old)
        #expect(try await target.currentSecret()?.revealText() == "sk_old_plain_value_0000000")
    }

    private func baoWrite(_ services: LoopbackServices, _ path: String, _ data: [String: String], cas: Int) async throws {
        var request = URLRequest(url: URL(string: "\(services.baoURL)/v1/secret/data/\(path)")!)
        request.httpMethod = "POST"
        request.setValue(services.baoToken, forHTTPHeaderField: "X-Vault-Token")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["options": ["cas": cas], "data": data])
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
    }
}

struct HTTPCallTests {
    @Test func messagesNameTheURLWithoutUserInfoOrQuery() {
        #expect(HTTPCall.redacted("https://ops:hunter2@vault.example.com:8200/v1/secret/data/app?token=abc#x") == "https://vault.example.com:8200/v1/secret/data/app")
        #expect(HTTPCall.redacted("http://127.0.0.1:9/check") == "http://127.0.0.1:9/check")
    }
}
