import Foundation
import KeyctlTestSupport
import Testing

/// Runs the built `keyctl` executable as a user or cron would, checking exit codes, output and files.
struct BinaryEndToEndTests {
    typealias Run = KeyctlProcess.Result

    let folder = TemporaryFolder()
    var registry: String { folder.file("state/registry.db") }

    func keyctl(_ arguments: String..., stdin: String = "") throws -> Run {
        try KeyctlProcess.run(arguments, environment: ["KEYCTL_DB": registry, "KEYCTL_ACTOR": "e2e", "HOME": folder.path], stdin: stdin)
    }

    @Test func inventoryLifecycleThroughTheBinaryKeepsTheSecretOutOfEverything() throws {
        let secret = "sk_live_e2e_9f8e7d6c5b4a39281706ABCDEFGHIJ"
        var everything = ""
        func record(_ run: Run) -> Run {
            everything += run.stdout + run.stderr
            return run
        }
        #expect(try record(keyctl("init")).code == 0)
        let added = try record(keyctl("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--created", "2026-01-01", "--secret-stdin", stdin: secret))
        #expect(added.code == 0, "\(added.stderr)")
        let report = try record(keyctl("report", "--format", "json"))
        #expect(report.code == 2)
        let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
        #expect((json?["summary"] as? [String: Int])?["overdue"] == 1)
        let identified = try record(keyctl("identify", stdin: secret))
        #expect(identified.code == 0)
        #expect(identified.stdout.contains("checkout"))
        #expect(try record(keyctl("compromise", "--secret-stdin", "--reason", "e2e", stdin: secret)).code == 0)
        #expect(try record(keyctl("audit", "verify")).code == 0)

        #expect(!everything.contains(secret))
        for suffix in ["", "-wal", "-shm"] {
            let path = registry + suffix
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "secret found in \(path)")
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(path) is \(String(mode ?? 0, radix: 8))")
        }
    }

    @Test func usageErrorsAreOneLineOnStandardErrorWithExit64() throws {
        _ = try keyctl("init")
        let run = try keyctl("add", "checkout", "--env", "prod", "--scopes", "*", "--secret", "sk_live_argv_secret_0000000000000")
        #expect(run.code == 64)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(!run.stderr.contains("sk_live_argv"))
    }

    @Test func reportQuietPrintsNothingForCronWhenAllIsWell() throws {
        _ = try keyctl("init")
        _ = try keyctl("add", "fresh", "--env", "prod", "--scopes", "*")
        let run = try keyctl("report", "--quiet", "--format", "table")
        #expect(run.code == 0)
        #expect(run.stdout.isEmpty && run.stderr.isEmpty)
    }
}
