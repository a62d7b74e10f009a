import Foundation
import Testing

struct ReportCommandTests {
    /// fresh: 10 days old; aging: 80 days (due); stale: 120 days (overdue).
    func registry() async -> CLIHarness {
        let cli = await CLIHarness.initialised(now: "2026-11-29T12:00:00Z")
        _ = await cli.run("add", "fresh", "--env", "prod", "--scopes", "*", "--created", "2026-11-19T12:00:00Z")
        _ = await cli.run("add", "aging", "--env", "prod", "--scopes", "*", "--created", "2026-09-10T12:00:00Z")
        _ = await cli.run("add", "stale", "--env", "dev", "--scopes", "*", "--created", "2026-08-01T12:00:00Z")
        return cli
    }

    @Test func exitsTwoWhenSomethingIsOverdueAndCountsTheSummary() async throws {
        let cli = await registry()
        let result = await cli.run("report", "--format", "json")
        #expect(result.code == 2)
        let json = try result.json()
        #expect(json["as_of"] as? String == "2026-11-29T12:00:00Z")
        let keys = try #require(json["keys"] as? [[String: Any]])
        #expect(keys.compactMap { $0["name"] as? String } == ["stale", "aging"])
        #expect(keys.first?["flags"] as? [String] == ["overdue"])
        #expect(json["summary"] as? [String: Int] == ["overdue": 1, "due": 1, "compromised": 0, "verify_failed": 0, "offboarding": 0])
    }

    @Test func exitsOneWhenOnlyDueKeysAreFlaggedAndZeroWhenNothingIs() async throws {
        let cli = await registry()
        let prod = await cli.run("report", "--env", "prod", "--format", "json")
        #expect(prod.code == 1)
        let early = await cli.run("report", "--env", "prod", "--as-of", "2026-09-20", "--format", "json")
        #expect(early.code == 0)
        #expect((try early.json()["keys"] as? [Any])?.isEmpty == true)
    }

    @Test func asOfAnswersWhatWillBeOverdueThen() async throws {
        let cli = await registry()
        let later = await cli.run("report", "--as-of", "2027-02-20", "--format", "json")
        let flagged = (try later.json()["keys"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(flagged == ["stale", "aging", "fresh"])
    }

    @Test func compromisedKeysAreCritical() async throws {
        let cli = await registry()
        _ = await cli.run("compromise", "fresh", "--env", "prod", "--reason", "posted in a ticket")
        let result = await cli.run("report", "--env", "prod", "--format", "json")
        #expect(result.code == 2)
        #expect(try result.json()["summary"] as? [String: Int] == ["overdue": 0, "due": 1, "compromised": 1, "verify_failed": 0, "offboarding": 0])
    }

    @Test func quietPrintsNothingWhenNothingIsFlagged() async throws {
        let cli = await registry()
        for format in ["table", "json", "prometheus"] {
            let quiet = await cli.run("report", "--quiet", "--as-of", "2026-09-01", "--env", "prod", "--format", format)
            #expect(quiet.code == 0)
            #expect(quiet.stdout.isEmpty)
            let flagged = await cli.run("report", "--quiet", "--format", format)
            #expect(flagged.code == 2)
            #expect(!flagged.stdout.isEmpty)
        }
    }

    @Test func prometheusTextfileHasAGaugePerKeyAndFlag() async throws {
        let cli = await registry()
        let result = await cli.run("report", "--format", "prometheus")
        #expect(result.code == 2)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("# TYPE keyctl_key_age_seconds gauge"))
        #expect(lines.contains(#"keyctl_key_overdue{name="stale",env="dev"} 1"#))
        #expect(lines.contains(#"keyctl_key_overdue{name="fresh",env="prod"} 0"#))
        #expect(lines.contains(#"keyctl_key_compromised{name="aging",env="prod"} 0"#))
        #expect(lines.contains(#"keyctl_key_age_seconds{name="fresh",env="prod"} 864000"#))
        #expect(lines.contains(#"keyctl_report_flagged_keys{flag="due"} 1"#))
    }

    @Test func tableOutputIsForCronMail() async throws {
        let cli = await registry()
        let result = await cli.run("report", "--format", "table")
        #expect(result.stdout.hasPrefix("NAME"))
        #expect(result.stdout.contains("stale"))
        #expect(result.stdout.contains("1 overdue, 1 due, 0 compromised, 0 verify_failed, 0 offboarding"))
    }

    @Test func environmentPoliciesComeFromTheConfigFile() async throws {
        let cli = await registry()
        let config = cli.folder.write("keyctl.toml", "[environments.prod]\nmax_age = \"7d\"\nwarn_window = \"1d\"\n")
        let result = await cli.run("report", "--env", "prod", "--config", config, "--format", "json")
        #expect(result.code == 2)
        let flagged = (try result.json()["keys"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        #expect(flagged == ["aging", "fresh"])
    }

    @Test func aKeysOwnMaxAgeWinsOverThePolicy() async throws {
        let cli = await registry()
        _ = await cli.run("update", "stale", "--env", "dev", "--max-age", "365d")
        let result = await cli.run("report", "--env", "dev", "--format", "json")
        #expect(result.code == 0)
    }
}
