import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

/// `audit verify`, `audit checkpoint` and the checkpoint written after each command, in-process.
struct AuditAnchorCommandTests {
    /// An initialised harness with a checkpoint file and a signing key file in its folder.
    func anchoredHarness() async -> CLIHarness {
        var cli = CLIHarness()
        cli.environment["KEYCTL_AUDIT_CHECKPOINTS"] = cli.folder.file("anchor/checkpoints.jsonl")
        cli.environment["KEYCTL_AUDIT_KEY_FILE"] = cli.folder.file("keys/audit-signing.key")
        _ = await cli.run("init")
        return cli
    }

    func checkpointLines(_ cli: CLIHarness) -> [String] {
        let text = (try? String(contentsOfFile: cli.folder.file("anchor/checkpoints.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    func sqlite(_ cli: CLIHarness, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [cli.registryPath, sql]
        try process.run()
        process.waitUntilExit()
    }

    @Test func eachCommandThatRecordsEventsWritesOneCheckpoint() async throws {
        let cli = await anchoredHarness()
        for name in ["a", "b", "c"] { #expect(await cli.run("add", name, "--env", "prod", "--scopes", "*").code == 0) }
        #expect(await cli.run("list").code == 0)
        #expect(checkpointLines(cli).count == 3)
        #expect(checkpointLines(cli).last?.contains("\"event_count\":3") == true)

        let verified = await cli.run("audit", "verify")
        #expect(verified.code == 0)
        #expect(verified.stdout.contains("3 checkpoints verified, the latest records 3 events"))
    }

    @Test func auditVerifyExitsTwoNamingTheAnchorWhenTheNewestEventsAreDeleted() async throws {
        let cli = await anchoredHarness()
        for name in ["a", "b", "c"] { _ = await cli.run("add", name, "--env", "prod", "--scopes", "*") }
        try sqlite(cli, "DELETE FROM audit_events WHERE seq = 3")

        let result = await cli.run("audit", "verify")
        #expect(result.code == 2)
        #expect(result.stdout.contains("audit chain intact: 2 events"))
        let keyID = await cli.run("audit", "public-key").stderr.replacingOccurrences(of: "key id ", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(keyID.hasPrefix("ed25519:"))
        #expect(result.stdout.contains(
            "audit log does not match checkpoints \(cli.folder.file("anchor/checkpoints.jsonl")) (key \(keyID)): checkpoints record 3 events but the registry ends at event 2: events 3 to 3 were deleted"))
    }

    @Test func auditVerifyVerifiesWithAPublicKeyFileAlone() async throws {
        var cli = await anchoredHarness()
        _ = await cli.run("add", "a", "--env", "prod", "--scopes", "*")
        let publicKey = await cli.run("audit", "public-key").stdout
        let publicFile = cli.folder.write("audit.pub", publicKey)
        cli.environment["KEYCTL_AUDIT_KEY_FILE"] = cli.folder.file("nowhere/absent.key")

        let result = await cli.run("audit", "verify", "--public-key", publicFile)
        #expect(result.code == 0)
        #expect(result.stdout.contains("1 checkpoints verified"))
    }

    @Test func auditCheckpointPrintsTheSignedLine() async throws {
        let cli = await anchoredHarness()
        _ = await cli.run("add", "a", "--env", "prod", "--scopes", "*")
        let result = await cli.run("audit", "checkpoint")
        #expect(result.code == 0)
        #expect(result.stdout == checkpointLines(cli).last.map { $0 + "\n" })
        #expect(result.stdout.contains("\"seq\":2"))
    }

    @Test func withoutAnAnchorVerifySaysTruncationCannotBeDetected() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "a", "--env", "prod", "--scopes", "*")
        let result = await cli.run("audit", "verify")
        #expect(result.code == 0)
        #expect(result.stdout.contains("only the registry's internal chain was checked; deleting the newest events, or all of them, cannot be detected"))

        let checkpoint = await cli.run("audit", "checkpoint")
        #expect(checkpoint.code == 64)
        #expect(checkpoint.stderr.contains("KEYCTL_AUDIT_CHECKPOINTS"))
    }

    @Test func aFailedCommandThatRecordedEventsIsCheckpointedToo() async throws {
        let cli = await anchoredHarness()
        _ = await cli.run("add", "a", "--env", "prod", "--scopes", "*")
        let result = await cli.run("compromise", "a", "--env", "prod", "--reason", "leak", "--rotate")
        #expect(result.code != 0)
        #expect(await cli.eventCount() == 2)
        #expect(checkpointLines(cli).last?.contains("\"event_count\":2") == true)
    }

    @Test func aCheckpointThatCannotBeWrittenFailsTheCommandLoudly() async throws {
        var cli = await anchoredHarness()
        cli.environment["KEYCTL_AUDIT_CHECKPOINTS"] = cli.folder.write("not-a-folder", "") + "/checkpoints.jsonl"
        let result = await cli.run("add", "a", "--env", "prod", "--scopes", "*")
        #expect(result.code == 1)
        #expect(result.stderr.contains("the audit checkpoint was not written"))
        #expect(await cli.eventCount() == 1)
    }
}
