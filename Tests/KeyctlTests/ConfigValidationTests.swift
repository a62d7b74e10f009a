import Foundation
import KeyctlTestSupport
import Testing

/// A configuration mistake is found before a rotation begins: `keyctl rotate` exits 65 naming the
/// file, the line and the problem, the issuer is never called, and the registry is not touched.
struct ConfigValidationTests {
    /// One mistake each, as the text replacing `MISTAKE` in `config(_:)`, with the environment it
    /// runs in, the line the error must name and what it must say.
    static let mistakes: [(mistake: String, environment: [String: String], line: Int, problem: String)] = [
        ("[targets.store]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"\nregion = \"eu west 1\"", [:], 14, "'region' must be an AWS region"),
        ("[targets.store]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"", ["AWS_REGION": "eu west 1"], 11, "uses AWS_REGION, but 'eu west 1' is not an AWS region"),
        ("[targets.store]\ntype = \"aws-secretsmanager\"\nsecret_id = \"x\"", [:], 11, "no AWS region for [targets.store]"),
        ("[targets.store]\ntype = \"vault\"\npath = \"apps/x\"\nfield = \"k\"", [:], 11, "[targets.store] has no 'address' and VAULT_ADDR is not set"),
        ("[targets.store]\ntype = \"vault\"\npath = \"apps/x\"\nfield = \"k\"", ["VAULT_ADDR": "http://127.0.0.1.nip.io:8200"], 11, "must use https"),
        ("[targets.store]\ntype = \"vault\"\naddress = \"http://127.evil.test:8200\"\npath = \"apps/x\"\nfield = \"k\"", [:], 13, "must use https"),
        ("[targets.store]\ntype = \"vault\"\naddress = \"https://vault.example\"\npath = \"a\"\nfield = \"k\"\nca_file = \"/nonexistent.pem\"", [:], 11, "ca_file"),
        ("[targets.store]\ntype = \"exec\"\ncommand = [\"true\"]\ntimeout_seconds = \"10s\"", [:], 14, "'timeout_seconds' must be a whole number"),
        ("[targets.store]\ntype = \"exec\"\ncommand = [\"true\"]\n[keys.checkout]\ngrace = \"2 hours\"", [:], 15, "'grace' must be a duration"),
    ]

    /// keyctl.toml: an exec issuer that leaves a mark when it is called, and the target `store`.
    static func config(folder: TemporaryFolder, _ store: String) -> String {
        """
        # keyctl.toml\r
        [rotation]
        issuer = "marking"
        targets = ["store"]

        [issuers.marking]
        type = "exec"
        command = ["sh", "-c", "touch \(folder.file("issuer-called")); exit 1"]


        \(store)
        """
    }

    @Test(arguments: mistakes)
    func aMistakeInTheConfigurationIsFoundBeforeTheIssuerIsCalled(
        mistake: String, environment: [String: String], line: Int, problem: String
    ) async throws {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_CONFIG"] = cli.folder.file("keyctl.toml")
        cli.folder.write("keyctl.toml", Self.config(folder: cli.folder, "[targets.store]\ntype = \"exec\"\ncommand = [\"true\"]"))
        let added = await cli.run("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: "sk_test_original_0123456789")
        #expect(added.code == 0, "\(added.stderr)")
        cli.folder.write("keyctl.toml", Self.config(folder: cli.folder, mistake))
        cli.environment.merge(["VAULT_TOKEN": "hvs.t", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"].merging(environment) { $1 }) { $1 }
        let events = await cli.eventCount()
        let before = cli.registryBytes()

        let result = await cli.run("rotate", "checkout", "--env", "prod", "--yes")

        #expect(result.code == 65, "\(result.stderr)")
        #expect(result.stderr.contains("\(cli.folder.file("keyctl.toml")):\(line): "), "\(result.stderr)")
        #expect(result.stderr.contains(problem), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.file("issuer-called")), "the issuer was called")
        #expect(cli.registryBytes() == before)
        #expect(await cli.eventCount() == events)
    }
}
