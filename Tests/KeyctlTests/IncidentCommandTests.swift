import Foundation
import Testing

struct IncidentCommandTests {
    let secret = "sk_live_incident_0123456789abcdefghijklmn"

    @Test func identifyNamesTheKeyOrExitsOne() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin", stdin: secret)
        let found = await cli.run("identify", "--format", "json", stdin: secret + "\n")
        #expect(found.code == 0)
        let json = try found.json()
        #expect((json["key"] as? [String: Any])?["name"] as? String == "checkout")
        #expect((json["version"] as? [String: Any])?["stage"] as? String == "current")

        let unknown = await cli.run("identify", "--format", "json", stdin: "sk_live_somebody_elses_key_000000")
        #expect(unknown.code == 1)
        #expect(try unknown.json()["match"] as? Bool == false)
    }

    @Test func compromiseByLeakedSecretMarksTheKeyAndRecordsTheReason() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin", stdin: secret)
        let marked = await cli.run("compromise", "--secret-stdin", "--reason", "found in a public gist", "--format", "json", stdin: secret)
        #expect(marked.code == 0, "\(marked.stderr)")
        #expect(try marked.json()["status"] as? String == "compromised")
        let report = await cli.run("report", "--format", "json")
        #expect(report.code == 2)
        let audit = try await cli.run("audit", "--key", "checkout", "--env", "prod", "--format", "json").json()
        let last = (audit["events"] as? [[String: Any]])?.last
        #expect(last?["action"] as? String == "key.compromise")
        #expect((last?["details"] as? [String: String])?["reason"] == "found in a public gist")
    }

    @Test func compromiseOfAnUnknownSecretFailsAndWritesNothing() async throws {
        let cli = await CLIHarness.initialised()
        let result = await cli.run("compromise", "--secret-stdin", "--reason", "x", stdin: "not-a-registered-secret-at-all")
        #expect(result.code == 1)
        #expect(await cli.eventCount() == 0)
    }

    @Test func auditVerifyExitsTwoAndNamesTheTamperedEvent() async throws {
        let cli = await CLIHarness.initialised()
        for name in ["a", "b", "c"] { _ = await cli.run("add", name, "--env", "prod", "--scopes", "*") }
        let intact = await cli.run("audit", "verify")
        #expect(intact.code == 0)
        #expect(intact.stdout.contains("3 events"))

        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [cli.registryPath, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let broken = await cli.run("audit", "verify")
        #expect(broken.code == 2)
        #expect(broken.stdout.contains("event 2"))
    }
}
