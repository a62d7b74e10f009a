import Foundation
import KeyStore
import KeyctlConfig
import KeyctlTestSupport
import Rotation
import Testing

struct AdapterConfigurationTests {
    let example = """
        [rotation]
        issuer = "local"
        grace = "30m"
        notifiers = ["ops"]

        [issuers.local]
        type = "local"
        prefix = "sk_{env}_"

        [issuers.commerce]
        type = "exec"
        command = ["/usr/local/bin/commerce-keys", "--env", "{env}"]
        timeout_seconds = 20

        [targets.app-env]
        type = "env-file"
        path = "/srv/{name}/{env}.env"
        variable = "API_KEY"

        [targets.restart]
        type = "exec"
        command = ["systemctl", "restart", "{name}"]
        secret_via = "env"

        [verifiers.ping]
        type = "http"
        url = "https://api.example.com/v1/ping"
        headers = ["Authorization: Bearer {{secret}}"]
        expect_status = 204

        [notifiers.ops]
        type = "webhook"
        url = "https://hooks.example.com/keyctl"
        secret = "env:KEYCTL_WEBHOOK_SECRET"

        [environments.prod]
        grace = "2h"

        [keys.checkout]
        targets = ["app-env", "restart"]
        verifier = "ping"

        [keys."checkout@prod"]
        issuer = "commerce"
        """

    @Test func bindingsLayerDefaultsEnvironmentsKeysAndKeyAtEnvironment() throws {
        let configuration = try KeyctlConfiguration(parsing: example, file: "keyctl.toml")
        let prod = configuration.binding(for: KeyName("checkout")!, in: EnvironmentName("prod")!)
        #expect(prod.issuer == "commerce")
        #expect(prod.targets == ["app-env", "restart"])
        #expect(prod.verifier == "ping")
        #expect(prod.grace == TimeSpanSetting(seconds: 7_200))
        #expect(prod.notifiers == ["ops"])
        let dev = configuration.binding(for: KeyName("checkout")!, in: EnvironmentName("dev")!)
        #expect(dev.issuer == "local")
        #expect(dev.grace == TimeSpanSetting(seconds: 1_800))
        let other = configuration.binding(for: KeyName("admin")!, in: EnvironmentName("dev")!)
        #expect(other.targets == nil)
        #expect(configuration.targets["restart"] == .exec(command: ["systemctl", "restart", "{name}"], timeoutSeconds: 60, secretInEnvironment: true))
        #expect(configuration.verifiers["ping"] == .http(url: "https://api.example.com/v1/ping", method: "GET", headers: ["Authorization: Bearer {{secret}}"], expectStatus: 204, timeoutSeconds: 10, caFile: nil))
    }

    @Test func aPlanNeedsAnIssuerAndATarget() throws {
        let configuration = try KeyctlConfiguration(parsing: example, file: "keyctl.toml")
        let setup = RotationSetup(configuration: configuration, environment: [:], clock: ManualClock("2026-11-29"))
        let plan = try setup.plan(for: KeyName("checkout")!, in: EnvironmentName("prod")!, grace: nil, emergency: false)
        #expect(plan.grace == TimeSpan(seconds: 7_200))
        #expect(try setup.plan(for: KeyName("checkout")!, in: EnvironmentName("prod")!, grace: nil, emergency: true).grace.seconds == 0)
        #expect(throws: ConfigError.self) { try setup.plan(for: KeyName("admin")!, in: EnvironmentName("dev")!, grace: nil, emergency: false) }
    }

    @Test(arguments: [
        ("[targets.a]\ntype = \"ftp\"\n", 2, "type must be one of"),
        ("[targets.a]\ntype = \"env-file\"\npath = \"/x\"\n", 1, "needs 'variable'"),
        ("[verifiers.v]\ntype = \"http\"\nurl = \"http://api.example.com/ping\"\n", 3, "must use https"),
        ("[notifiers.n]\ntype = \"webhook\"\nurl = \"https://h.example.com\"\nsecret = \"whsec_inline\"\n", 4, "never the secret itself"),
        ("[issuers.x]\ntype = \"exec\"\ncommand = [\"issue\", \"{{secret}}\"]\n", 3, "never go in a command's arguments"),
        ("[rotation]\nissuer = \"missing\"\n", 1, "no issuer 'missing'"),
        ("[keys.checkout]\ntargets = [\"nope\"]\n", 1, "no target 'nope'"),
        ("[targets.t]\ntype = \"exec\"\ncommand = [\"x\"]\nsecret_via = \"argv\"\n", 4, "never an argument"),
        ("[keys.\"Bad@prod\"]\n", 1, "must be a key name"),
    ])
    func adapterMistakesNameTheLine(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }

    static let loopbackCases: [(String, Bool)] = [
        ("https://api.example.com/ping", true), ("http://127.0.0.1:8080/ping", true), ("http://127.255.3.4/", true),
        ("http://[::1]:8200/", true), ("http://localhost:8080/", true), ("http://LOCALHOST/", true),
        ("http://127.evil.test/", false), ("http://127.0.0.1.nip.io/", false), ("http://127.1/", false),
        ("http://0177.0.0.1/", false), ("http://0x7f.0.0.1/", false), ("http://127.0.0.01/", false), ("http://127.0.0.256/", false),
        ("http://[::2]/", false), ("http://[0:0:0:0:0:0:0:2]/", false), ("http://localhost.evil.test/", false),
        ("http://127.0.0.1@evil.test/", false), ("http://%31%32%37.0.0.1/", false), ("http://10.0.0.1/", false), ("ftp://127.0.0.1/", false),
    ]

    @Test(arguments: loopbackCases)
    func plainHTTPIsAllowedOnlyToALoopbackAddress(url: String, allowed: Bool) {
        #expect((EndpointRule.problem(with: url) == nil) == allowed, "\(url): \(EndpointRule.problem(with: url) ?? "allowed")")
        let text = "[verifiers.v]\ntype = \"http\"\nurl = \"\(url)\"\n"
        let parsed = Result { () throws(ConfigError) in try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect((try? parsed.get()) != nil || !allowed)
        if case .failure(let error) = parsed { #expect(error.line == 3, "\(error)") }
    }

    @Test(arguments: [
        ("[targets.s]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"\nregion = \"eu west 1\"\n", 4, "must be an AWS region such as eu-west-1"),
        ("[verifiers.v]\ntype = \"http\"\nurl = \"https://a.example\"\nmethod = \"GET /admin\"\n", 4, "HTTP method"),
        ("[verifiers.v]\ntype = \"http\"\nurl = \"http://{env}.example/ping\"\n", 3, "must use https"),
    ])
    func awsRegionsAndHTTPMethodsAreCheckedWhenTheFileIsRead(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }

    static let stores = """
        [rotation]
        issuer = "local"

        [issuers.local]
        type = "local"

        [targets.vault-prod]
        type = "vault"
        path = "apps/{name}"
        field = "api_key"

        [targets.sm]
        type = "aws-secretsmanager"
        secret_id = "prod/{name}"

        [targets.pinned]
        type = "vault"
        address = "https://vault.example.com"
        path = "apps/{name}"
        field = "api_key"
        ca_file = "/nonexistent/ca.pem"

        [keys.vaulted]
        targets = ["vault-prod"]

        [keys.stored]
        targets = ["sm"]

        [keys.pinned]
        targets = ["pinned"]
        """

    static let credentials = ["VAULT_TOKEN": "hvs.t", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"]

    static let environmentMistakes: [(String, [String: String], Int, String)] = [
        ("vaulted", [:], 7, "[targets.vault-prod] has no 'address' and VAULT_ADDR is not set"),
        ("vaulted", ["VAULT_ADDR": "http://127.evil.test:8200"], 7, "uses VAULT_ADDR, but 'http://127.evil.test:8200' must use https"),
        ("stored", [:], 12, "no AWS region for [targets.sm]"),
        ("stored", ["AWS_REGION": "eu west 1"], 12, "uses AWS_REGION, but 'eu west 1' is not an AWS region"),
        ("stored", ["AWS_DEFAULT_REGION": "eu-west"], 12, "uses AWS_DEFAULT_REGION, but 'eu-west' is not an AWS region"),
        ("pinned", [:], 16, "ca_file '/nonexistent/ca.pem' cannot be read"),
    ]

    @Test(arguments: environmentMistakes)
    func whatTheEnvironmentMustProvideIsCheckedWhenTheAdaptersAreBuilt(key: String, environment: [String: String], line: Int, problem: String) throws {
        let configuration = try KeyctlConfiguration(parsing: Self.stores, file: "keyctl.toml")
        let setup = RotationSetup(configuration: configuration, environment: Self.credentials.merging(environment) { $1 }, clock: ManualClock("2026-11-29"))
        let plan = try setup.plan(for: KeyName(key)!, in: EnvironmentName("prod")!, grace: nil, emergency: false)
        let error = #expect(throws: ConfigError.self) { try setup.adapters(for: plan, KeyName(key)!, EnvironmentName("prod")!) }
        #expect(error?.line == line, "\(error?.description ?? "")")
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }

    @Test func theSameStoresBuildWhenTheEnvironmentProvidesWhatTheyNeed() throws {
        let configuration = try KeyctlConfiguration(parsing: Self.stores, file: "keyctl.toml")
        let environment = Self.credentials.merging(["VAULT_ADDR": "http://[::1]:8200", "AWS_DEFAULT_REGION": "us-gov-east-1"]) { $1 }
        let setup = RotationSetup(configuration: configuration, environment: environment, clock: ManualClock("2026-11-29"))
        for key in ["vaulted", "stored"] {
            let plan = try setup.plan(for: KeyName(key)!, in: EnvironmentName("prod")!, grace: nil, emergency: false)
            #expect(try setup.adapters(for: plan, KeyName(key)!, EnvironmentName("prod")!).targets.count == 1)
        }
    }

    @Test func aPlanWithoutATargetNamesTheLineOfTheKeysTable() throws {
        let configuration = try KeyctlConfiguration(parsing: example + "\n\n[keys.admin]\nverifier = \"ping\"\n", file: "keyctl.toml")
        let setup = RotationSetup(configuration: configuration, environment: [:], clock: ManualClock("2026-11-29"))
        let error = #expect(throws: ConfigError.self) { try setup.plan(for: KeyName("admin")!, in: EnvironmentName("dev")!, grace: nil, emergency: false) }
        #expect(error?.line == 46, "\(error?.description ?? "")")
    }

    @Test func plainHTTPToTheIPv6LoopbackAddressReallyConnectsThere() async throws {
        let server = try FixtureProcess("ipv6_check.py")
        defer { server.stop() }
        let text = "[verifiers.v6]\ntype = \"http\"\nurl = \"http://[::1]:\(try server.port())/check\"\n[rotation]\nverifier = \"v6\"\ntargets = [\"t\"]\n"
            + "[targets.t]\ntype = \"exec\"\ncommand = [\"true\"]\n"
        let configuration = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
        let setup = RotationSetup(configuration: configuration, environment: [:], clock: ManualClock("2026-11-29"))
        let verifier = try setup.verification(for: KeyName("checkout")!, in: EnvironmentName("prod")!).verifier
        #expect(try await verifier.verify(Secret(reading: "good")) == .accepted)
        #expect(try await verifier.verify(Secret(reading: "bad")) != .accepted)
    }
}
