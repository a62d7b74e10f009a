import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import keyctl

struct DoctorCommandTests {
    /// A harness with one owned key and a .gitignore covering .env* in its folder.
    private func healthyHarness() async -> CLIHarness {
        let harness = await CLIHarness.initialised()
        harness.folder.write(".gitignore", ".env*\n")
        _ = await harness.run("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--owner", "payments")
        return harness
    }

    @Test func warningsOnlyExitOneWithOneJSONDocument() async throws {
        let harness = await healthyHarness()
        let result = await harness.run("doctor", "--format", "json")
        #expect(result.code == 1, "\(result.stdout)\(result.stderr)")
        let json = try result.json()
        let checks = try #require(json["checks"] as? [[String: Any]])
        let summary = try #require(json["summary"] as? [String: Int])
        #expect(checks.count == 18)
        for check in checks {
            #expect(Set(check.keys) == ["id", "title", "outcome", "detail", "fix"])
        }
        #expect(summary["pass"]! + summary["warn"]! + summary["fail"]! == checks.count)
        #expect(summary["fail"] == 0)
        let outcomes = Dictionary(uniqueKeysWithValues: checks.map { ($0["id"] as! String, $0["outcome"] as! String) })
        #expect(outcomes["tree-leaks"] == "pass")
        #expect(outcomes["wildcard-scope"] == "pass")
        #expect(checks.first { $0["outcome"] as? String == "pass" }?["fix"] is NSNull)
    }

    @Test func failingCheckExitsTwoAndTableGroupsByOutcome() async throws {
        let harness = await healthyHarness()
        _ = await harness.run("add", "ci-admin", "--env", "dev", "--scopes", "*", "--owner", "platform")
        let result = await harness.run("doctor", harness.folder.path, "--format", "table")
        #expect(result.code == 2)
        let fail = try #require(result.stdout.range(of: "FAIL (1)"))
        let warn = try #require(result.stdout.range(of: "WARN ("))
        let pass = try #require(result.stdout.range(of: "PASS ("))
        #expect(fail.lowerBound < warn.lowerBound && warn.lowerBound < pass.lowerBound)
        #expect(result.stdout.contains("[wildcard-scope]"))
        #expect(result.stdout.contains("fix: keyctl update ci-admin --env dev --scopes"))
    }

    @Test func aRegisteredKeyInTheProjectFolderFailsTheTreeLeaksCheckWithoutPrintingIt() async throws {
        let harness = await healthyHarness()
        let secret = "sk_live_" + String(repeating: "Zq9", count: 10)
        _ = await harness.run(["add", "deploy-bot", "--env", "prod", "--scopes", "repo:read", "--owner", "ci", "--secret-stdin"], stdin: secret)
        harness.folder.write("config.js", "const token = '\(secret)'\n")
        let result = await harness.run("doctor", harness.folder.path, "--format", "json")
        #expect(result.code == 2, "\(result.stdout)\(result.stderr)")
        let checks = try #require(try result.json()["checks"] as? [[String: Any]])
        let treeLeaks = try #require(checks.first { $0["id"] as? String == "tree-leaks" })
        #expect(treeLeaks["outcome"] as? String == "fail")
        #expect((treeLeaks["detail"] as? String)?.contains("deploy-bot") == true, "\(treeLeaks)")
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
    }

    @Test func wildcardAllowedInConfigPasses() async throws {
        var harness = await healthyHarness()
        _ = await harness.run("add", "ci-admin", "--env", "dev", "--scopes", "*", "--owner", "platform")
        let config = harness.folder.write("keyctl.toml", "[policy]\nwildcard_allowed = [\"ci-admin@dev\"]\n")
        harness.environment["KEYCTL_CONFIG"] = config
        let result = await harness.run("doctor", "--format", "json")
        #expect(result.code == 1, "\(result.stdout)")
        #expect(result.stdout.contains(#""id":"wildcard-scope","title":"no key has the * scope unless keyctl.toml allows it","outcome":"pass""#))
    }

    @Test func secretsFromEnvFilesNeverAppearInOutput() async throws {
        var harness = await healthyHarness()
        let secret = "sk_live_" + String(repeating: "Q7", count: 12)
        _ = await harness.run("add", "payments", "--env", "prod", "--scopes", "orders:write", "--owner", "pay", "--secret-stdin", stdin: secret)
        harness.folder.write(".env", "NEXT_PUBLIC_PAY=\(secret)\n")
        let envTarget = harness.folder.write("payments.env", "API_KEY=\(secret)\n")
        chmod(envTarget, 0o644)
        let config = harness.folder.write("keyctl.toml", """
            [targets.app]
            type = "env-file"
            path = "\(envTarget)"
            variable = "API_KEY"

            [verifiers.api]
            type = "http"
            url = "https://api.example.test/me"
            headers = ["X-Key: \(secret)"]

            [keys.payments]
            targets = ["app"]
            [keys.checkout]
            targets = ["app"]
            """)
        harness.environment["KEYCTL_CONFIG"] = config
        for format in ["json", "table"] {
            let result = await harness.run("doctor", "--format", format)
            #expect(result.code == 2)
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
            #expect(!result.stdout.contains(String(secret.dropFirst(8))))
            for id in ["public-variables", "config-inline-secrets", "env-file-permissions", "shared-secret", "rotation-setup"] {
                #expect(result.stdout.contains(id), "\(id)")
            }
        }
        let json = try await harness.run("doctor", "--format", "json").json()
        let failed = Set((json["checks"] as! [[String: Any]]).filter { $0["outcome"] as? String == "fail" }.map { $0["id"] as! String })
        #expect(failed.isSuperset(of: ["public-variables", "config-inline-secrets", "env-file-permissions", "shared-secret", "rotation-setup"]))
    }

    @Test func missingRegistryIsReportedNotACrash() async throws {
        let harness = CLIHarness()
        let result = await harness.run("doctor", "--format", "json")
        #expect(result.code == 2)
        let checks = try #require(try result.json()["checks"] as? [[String: Any]])
        #expect(checks.count == 18)
        #expect(checks.first { $0["id"] as? String == "registry-file" }?["outcome"] as? String == "fail")
    }
}
