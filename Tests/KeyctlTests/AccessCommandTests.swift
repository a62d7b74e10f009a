import Foundation
import KeyStore
import Testing

struct AccessCommandTests {
    static let config = """
        [targets.app-env]
        type = "env-file"
        path = "/srv/{name}/{env}.env"
        variable = "API_KEY"
        readers = ["team:payments"]

        [keys.checkout]
        targets = ["app-env"]
        """

    func harness() async -> CLIHarness {
        let cli = await CLIHarness.initialised()
        _ = cli.folder.write("keyctl.toml", Self.config)
        for name in ["checkout", "search"] { _ = await cli.run("add", name, "--env", "prod", "--scopes", "orders:write") }
        return cli
    }

    @Test func grantListAndRevokeShowRegistryGrantsBesideConfigReaders() async throws {
        let cli = await harness()
        let granted = await cli.run("access", "grant", "checkout", "--env", "prod", "--to", "Alice@Example.com", "--reason", "on call")
        #expect(granted.code == 0, "\(granted.stderr)")
        #expect(granted.stdout == "granted alice@example.com access to checkout (prod)\n")

        let listed = try await cli.run("access", "list", "checkout", "--env", "prod", "--format", "json").json()
        let entries = listed["access"] as? [[String: Any]] ?? []
        #expect(entries.map { "\($0["principal"]!)/\($0["source"]!)" } == ["alice@example.com/registry", "team:payments/config"])
        #expect(entries.first?["reason"] as? String == "on call")
        #expect(entries.last?["table"] as? String == "[targets.app-env]")

        let revoked = await cli.run("access", "revoke", "checkout", "--env", "prod", "--to", "alice@example.com")
        #expect(revoked.code == 0, "\(revoked.stderr)")
        let active = try await cli.run("access", "list", "--principal", "alice@example.com", "--format", "json").json()
        #expect((active["access"] as? [Any])?.isEmpty == true)
        let history = try await cli.run("access", "list", "--principal", "alice@example.com", "--history", "--format", "json").json()
        #expect(((history["access"] as? [[String: Any]])?.first?["revoked_by"] as? String) == "tester")

        let audit = try await cli.run("audit", "--key", "checkout", "--env", "prod", "--format", "json").json()
        #expect((audit["events"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["key.add", "access.grant", "access.revoke"])
        let table = await cli.run("access", "list", "--format", "table")
        #expect(table.stdout.contains("team:payments") && table.stdout.contains("config"))
    }

    @Test func revokingAGrantThatDoesNotExistExitsOneAndWritesNothing() async throws {
        let cli = await harness()
        let before = await cli.eventCount()
        let result = await cli.run("access", "revoke", "checkout", "--env", "prod", "--to", "alice@example.com")
        #expect(result.code == 1)
        #expect(result.stderr.contains("alice@example.com has no access to checkout (prod) to revoke"))
        let unknownKey = await cli.run("access", "grant", "nosuch", "--env", "prod", "--to", "alice@example.com")
        #expect(unknownKey.code == 1)
        #expect(await cli.eventCount() == before)
    }

    @Test func aBrokenConfigFileIsBadInputAndNothingIsGrantedOrRevoked() async throws {
        let cli = await harness()
        #expect(await cli.run("access", "grant", "checkout", "--env", "prod", "--to", "bob@example.com").code == 0)
        _ = cli.folder.write("keyctl.toml", "this is [ not toml\n")
        let before = await cli.eventCount()
        for verb in ["grant", "revoke"] {
            let result = await cli.run("access", verb, "checkout", "--env", "prod", "--to", "bob@example.com")
            #expect(result.code == 65, "\(verb): \(result.stderr)")
            #expect(result.stderr.contains("keyctl.toml"), "\(verb): \(result.stderr)")
        }
        #expect(await cli.eventCount() == before)
    }

    @Test(arguments: [
        ["access", "grant", "checkout", "--env", "prod", "--to", "alice"],
        ["access", "grant", "checkout", "--env", "prod", "--to", "team:pay\u{1B}[31mments"],
        ["access", "revoke", "checkout", "--env", "prod", "--to", "alice@example.com", "--reason", " "],
        ["access", "list", "checkout"],
        ["offboard", "alice smith@example.com", "--reason", "left"],
        ["offboard", "alice@example.com"],
        ["offboard", "alice@example.com", "--reason", "left", "--emergency"],
        ["offboard", "alice@example.com", "--reason", "left", "--rotate", "--concurrency", "0"],
        // More than Dispatch's pool runs at once (exec adapter calls wait on its threads).
        ["offboard", "alice@example.com", "--reason", "left", "--rotate", "--concurrency", "256"],
        ["rotate", "--overdue", "--concurrency", "256"],
    ])
    func aMalformedCommandExits64AndWritesNothing(arguments: [String]) async throws {
        let cli = await harness()
        _ = await cli.run("access", "grant", "checkout", "--env", "prod", "--to", "alice@example.com")
        let before = cli.registryBytes()
        let result = await cli.run(arguments)
        #expect(result.code == 64, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(cli.registryBytes() == before)
    }

    @Test func offboardFlagsEveryKeyTheyCouldReadAndReportIsCriticalUntilEachIsRotated() async throws {
        let cli = await harness()
        _ = await cli.run("access", "grant", "search", "--env", "prod", "--to", "ci:deploy")
        cli.clock.advance(by: .days(1))
        // team:payments reads checkout through the app-env target in keyctl.toml.
        let offboarded = await cli.run("offboard", "team:payments", "--reason", "team disbanded", "--format", "json")
        #expect(offboarded.code == 0, "\(offboarded.stderr)")
        let json = try offboarded.json()
        #expect((json["keys"] as? [[String: String]]) == [["name": "checkout", "env": "prod", "source": "config"]])

        let report = await cli.run("report", "--format", "json")
        #expect(report.code == 2)
        let summary = try report.json()["summary"] as? [String: Int]
        #expect(summary?["offboarding"] == 1)
        #expect(((try report.json()["keys"] as? [[String: Any]])?.first?["flags"] as? [String]) == ["offboarding"])
        let metrics = await cli.run("report", "--format", "prometheus")
        #expect(metrics.stdout.contains("keyctl_key_offboarding{name=\"checkout\",env=\"prod\"} 1"))
        #expect(metrics.stdout.contains("keyctl_key_offboarding{name=\"search\",env=\"prod\"} 0"))

        cli.clock.advance(by: .days(1))
        _ = await cli.run("update", "checkout", "--env", "prod", "--rotated", Timestamp.format(cli.clock.now()))
        let after = await cli.run("report", "--format", "json")
        #expect(after.code == 0, "\(after.stdout)")
    }

    @Test func offboardingSomeoneWhoCouldReadNothingExitsOneAndWritesNothing() async throws {
        let cli = await harness()
        let before = await cli.eventCount()
        let result = await cli.run("offboard", "mallory@example.com", "--reason", "left")
        #expect(result.code == 1)
        #expect(result.stderr.contains("mallory@example.com could read no key"))
        #expect(await cli.eventCount() == before)
    }

    @Test func offboardPrintsTheRevokedGrantsAndFlaggedKeysWithTheirSource() async throws {
        let cli = await harness()
        _ = await cli.run("access", "grant", "checkout", "--env", "prod", "--to", "alice@example.com")
        _ = await cli.run("access", "grant", "search", "--env", "prod", "--to", "alice@example.com")
        cli.clock.advance(by: .days(1))
        let result = await cli.run("offboard", "alice@example.com", "--reason", "left", "--format", "table")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("alice@example.com offboarded at 2026-11-30T12:00:00Z: 2 grant(s) revoked, 2 key(s) flagged offboarding"))
        #expect(result.stdout.contains("  checkout (prod) (via registry)\n  search (prod) (via registry)\n"))
        #expect(result.stdout.contains("keyctl rotate NAME --env ENV"))
    }
}
