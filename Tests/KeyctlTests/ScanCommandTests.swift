import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import keyctl

@Suite struct ScanCommandTests {
    private static let stripe = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    private static let retired = "sk_live_oldsecretoldsecret123456"
    private static let unknown = "AKIAIOSFODNN7EXAMPLE"

    /// A registry with `checkout` (prod) rotated once through the local issuer, so its first
    /// secret is a revoked version and its current one a local key; `billing` holds `stripe`.
    private func world() async throws -> (CLIHarness, current: String) {
        let harness = await CLIHarness.initialised()
        let config = harness.folder.write("keyctl.toml", """
            [rotation]
            issuer = "local"
            targets = ["app-env"]
            grace = "0s"

            [issuers.local]
            type = "local"
            prefix = "sk_{env}_"

            [targets.app-env]
            type = "env-file"
            path = "\(harness.folder.file("{name}.env"))"
            variable = "API_KEY"
            """)
        #expect(await harness.run("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: Self.retired).code == 0)
        #expect(await harness.run("rotate", "checkout", "--env", "prod", "--yes", "--config", config).code == 0)
        #expect(await harness.run("add", "billing", "--env", "prod", "--scopes", "charges:write", "--secret-stdin", stdin: Self.stripe).code == 0)
        let env = try String(contentsOfFile: harness.folder.file("checkout.env"), encoding: .utf8)
        let current = String(env.split(separator: "=", maxSplits: 1)[1].trimmingCharacters(in: .whitespacesAndNewlines))
        try FileManager.default.createDirectory(atPath: harness.folder.file("src"), withIntermediateDirectories: true)
        harness.folder.write("src/app.py", "A = '\(current)'\nB = '\(Self.retired)'\nC = '\(Self.unknown)'\n")
        harness.folder.write("src/billing.rb", "KEY = \"\(Self.stripe)\"\n")
        return (harness, current)
    }

    private func secrets(_ current: String) -> [String] { [current, Self.stripe, Self.retired, Self.unknown] }

    @Test func findingsNameTheKeyVersionAndStageAndExitTwoForALiveKey() async throws {
        let (harness, _) = try await world()
        let result = await harness.run("scan", "--config", harness.folder.file("keyctl.toml"), "src", "--format", "json")
        #expect(result.code == ExitStatus.critical)
        let findings = try result.json()["findings"] as? [[String: Any]] ?? []
        let summary = try result.json()["summary"] as? [String: Any] ?? [:]
        #expect(findings.map { $0["severity"] as? String } == ["critical", "critical", "revoked", "unknown"])
        let keys = findings.map { ($0["key"] as? [String: Any]).map { "\($0["name"]!)/\($0["version_stage"]!)" } }
        #expect(keys == ["checkout/current", "billing/current", "checkout/revoked", nil])
        #expect(findings.map { $0["path"] as? String } == ["src/app.py", "src/billing.rb", "src/app.py", "src/app.py"])
        #expect(findings.first?["rule"] as? String == "keyctl-local-key")
        #expect(summary["files"] as? Int == 2 && summary["critical"] as? Int == 2)
    }

    @Test func sarifJsonTableAndBaselineNeverHoldTheSecrets() async throws {
        let (harness, current) = try await world()
        let config = harness.folder.file("keyctl.toml"), baseline = harness.folder.file("baseline.json")
        var outputs: [String] = []
        for format in ["sarif", "json", "table"] {
            let result = await harness.run("scan", "--config", config, "src", "--format", format, "--write-baseline", baseline)
            #expect(result.code == ExitStatus.critical)
            outputs += [result.stdout, result.stderr]
        }
        outputs.append(try String(contentsOfFile: baseline, encoding: .utf8))
        for output in outputs {
            for secret in secrets(current) { #expect(!output.contains(secret)) }
        }
        let sarif = try JSONSerialization.jsonObject(with: Data(outputs[0].utf8)) as? [String: Any] ?? [:]
        #expect(sarif["version"] as? String == "2.1.0")
        let run = (sarif["runs"] as? [[String: Any]])?.first ?? [:]
        let results = run["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["level"] as? String } == ["error", "error", "note", "warning"])
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        #expect(Set(results.compactMap { $0["ruleId"] as? String }).isSubset(of: Set(rules.compactMap { $0["id"] as? String })))
        let region = (((results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Any]) ?? [:]
        #expect(region["startLine"] as? Int == 1)
        #expect((region["snippet"] as? [String: Any])?["text"] as? String == "sk_prod_****" + current.suffix(4))
        #expect(results.allSatisfy { ($0["partialFingerprints"] as? [String: String])?.isEmpty == false })
        var info = stat()
        #expect(stat(baseline, &info) == 0 && info.st_mode & 0o777 == 0o600)
    }

    @Test func aBaselineSuppressesAcceptedFindingsButNeverALiveKey() async throws {
        let (harness, _) = try await world()
        let config = harness.folder.file("keyctl.toml"), baseline = harness.folder.file("baseline.json")
        _ = await harness.run("scan", "--config", config, "src", "--write-baseline", baseline)
        let again = await harness.run("scan", "--config", config, "src", "--baseline", baseline, "--format", "json")
        #expect(again.code == ExitStatus.critical)
        #expect((try again.json()["findings"] as? [[String: Any]])?.map { $0["severity"] as? String } == ["critical", "critical"])
        #expect((try again.json()["summary"] as? [String: Any])?["suppressed"] as? Int == 2)

        try FileManager.default.createDirectory(atPath: harness.folder.file("u"), withIntermediateDirectories: true)
        harness.folder.write("u/a.txt", "k=\(Self.unknown)\n")
        let unknownBaseline = harness.folder.file("u.json")
        #expect(await harness.run("scan", "u", "--write-baseline", unknownBaseline).code == ExitStatus.failure)
        #expect(await harness.run("scan", "u", "--baseline", unknownBaseline).code == ExitStatus.success)
    }

    @Test func aRulesFileAllowlistNeverHidesALiveRegisteredKey() async throws {
        let (harness, _) = try await world()
        let rules = harness.folder.write("rules.toml", "[allowlist]\npaths = ['''.*''']\nstopwords = [\"sk_\"]\n")
        let result = await harness.run("scan", "--config", harness.folder.file("keyctl.toml"), "src", "--rules", rules, "--format", "json")
        #expect(result.code == ExitStatus.critical, "\(result.stdout)\(result.stderr)")
        #expect((try result.json()["findings"] as? [[String: Any]])?.map { $0["severity"] as? String } == ["critical", "critical"])
    }

    @Test func markCompromisedMarksEachLiveKeyOnceWithOneAuditEvent() async throws {
        let (harness, _) = try await world()
        let before = await harness.eventCount()
        let result = await harness.run("scan", "--config", harness.folder.file("keyctl.toml"), "src", "--mark-compromised", "--reason", "INC-9", "--format", "json")
        #expect(result.code == ExitStatus.critical)
        #expect((try result.json()["marked_compromised"] as? [[String: Any]])?.map { $0["name"] as? String } == ["checkout", "billing"])
        #expect(await harness.eventCount() == before + 2)
        let shown = await harness.run("show", "billing", "--env", "prod", "--format", "json")
        #expect(shown.stdout.contains("\"status\":\"compromised\"") && shown.stdout.contains("INC-9 (stripe-secret-key at src/billing.rb:1)"))
    }

    @Test(arguments: [
        ["scan", "src", "--all-branches"], ["scan", "src", "--mark-compromised"], ["scan", "src", "--reason", "x"],
        ["scan"], ["scan", "src", "--format", "xml"],
    ])
    func badFlagsAreUsageErrorsAndWriteNothing(arguments: [String]) async throws {
        let (harness, _) = try await world()
        let before = await harness.eventCount()
        let baseline = harness.folder.file("never.json")
        let result = await harness.run(arguments + ["--write-baseline", baseline])
        #expect(result.code == ExitStatus.usage)
        #expect(!FileManager.default.fileExists(atPath: baseline))
        #expect(await harness.eventCount() == before)
    }

    @Test func badRulesBaselineOrRepositoryAreBadInputNamingTheFile() async throws {
        let (harness, _) = try await world()
        let rules = harness.folder.write("rules.toml", "[[rules]]\nid = \"team-token\"\nregex = '''(unclosed'''\n")
        let badRules = await harness.run("scan", "src", "--rules", rules)
        #expect(badRules.code == ExitStatus.badInput && badRules.stderr.contains("team-token") && badRules.stderr.contains("rules.toml"))
        let baseline = harness.folder.write("baseline.json", "{\"version\": 1}")
        let badBaseline = await harness.run("scan", "src", "--baseline", baseline)
        #expect(badBaseline.code == ExitStatus.badInput && badBaseline.stderr.contains("baseline.json"))
        let notRepository = await harness.run("scan", "src", "--git")
        #expect(notRepository.code == ExitStatus.badInput && notRepository.stderr.contains("not a git repository"))
        let missing = await harness.run("scan", "no-such-folder")
        #expect(missing.code == ExitStatus.badInput)
    }

    @Test func aCleanTreeExitsZero() async throws {
        let harness = await CLIHarness.initialised()
        harness.folder.write("clean.txt", "nothing to see; pk_live_4eC39HqLyjWDarjtT1zdp7dc is public\n")
        let result = await harness.run("scan", "clean.txt", "--format", "table")
        #expect(result.code == ExitStatus.success)
        #expect(result.stdout.contains("scanned 1 files") && result.stdout.contains("0 findings"))
    }
}
