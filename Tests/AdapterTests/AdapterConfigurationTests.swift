import KeyStore
import KeyctlConfig
import KeyctlTestSupport
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
}

