import Foundation
import Testing

struct InventoryCommandTests {
    let secret = "sk_live_cli0123456789abcdefghijklmnopWXYZ"

    @Test func addThenListPrintsTheSpecsJSONFields() async throws {
        let cli = await CLIHarness.initialised()
        let added = await cli.run(
            "add", "checkout", "--env", "prod", "--scopes", "orders:write,products:read", "--owner", "payments",
            "--label", "tier=1", "--created", "2026-06-01", "--secret-stdin", "--format", "json", stdin: secret + "\n")
        #expect(added.code == 0, "\(added.stderr)")
        let listed = await cli.run("list", "--format", "json")
        let keys = try #require(try listed.json()["keys"] as? [[String: Any]])
        let key = try #require(keys.first)
        for field in ["name", "env", "scopes", "owner", "status", "created_at", "rotated_at", "age_days", "max_age_days", "due_at", "fingerprint", "hint", "last_verified_at"] {
            #expect(key.keys.contains(field), "missing \(field)")
        }
        #expect(key["scopes"] as? [String] == ["orders:write", "products:read"])
        #expect(key["created_at"] as? String == "2026-06-01T00:00:00Z")
        #expect(key["age_days"] as? Int == 181)
        #expect(key["max_age_days"] as? Int == 90)
        #expect(key["due_at"] as? String == "2026-08-30T00:00:00Z")
        #expect(key["hint"] as? String == "****WXYZ")
        #expect((key["fingerprint"] as? String)?.hasPrefix("sha256:") == true)
        #expect(key["rotated_at"] is NSNull)
        #expect((key["labels"] as? [String: String]) == ["tier": "1"])
    }

    @Test func theSecretNeverReachesOutputOrTheRegistryFile() async throws {
        let cli = await CLIHarness.initialised()
        var outputs = ""
        for arguments in [
            ["add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin"],
            ["list"], ["show", "checkout", "--env", "prod"], ["identify"], ["report"], ["audit"],
            ["compromise", "--secret-stdin", "--reason", "leaked"], ["show", "checkout", "--env", "prod", "--format", "json"],
        ] {
            let result = await cli.run(arguments, stdin: secret)
            outputs += result.stdout + result.stderr
        }
        #expect(!outputs.contains(secret))
        #expect(!outputs.contains("abcdefghijklmnop"))
        #expect(cli.registryBytes().range(of: Data(secret.utf8)) == nil)
    }

    @Test func listFiltersByEnvStatusAndOwner() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "a", "--env", "prod", "--scopes", "*", "--owner", "team-a")
        _ = await cli.run("add", "b", "--env", "dev", "--scopes", "*", "--owner", "team-b")
        _ = await cli.run("add", "c", "--env", "prod", "--scopes", "*", "--owner", "team-b")
        _ = await cli.run("retire", "c", "--env", "prod")
        func names(_ arguments: String...) async throws -> [String] {
            let result = await cli.run(["list", "--format", "json"] + arguments)
            return (try result.json()["keys"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
        }
        #expect(try await names() == ["b", "a", "c"])
        #expect(try await names("--env", "prod") == ["a", "c"])
        #expect(try await names("--status", "retired") == ["c"])
        #expect(try await names("--owner", "team-b") == ["b", "c"])
    }

    @Test func tableIsTheDefaultOnATerminal() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*")
        let table = await cli.run("list", terminal: true)
        #expect(table.stdout.hasPrefix("NAME"))
        #expect(table.stdout.contains("checkout"))
        let piped = await cli.run("list")
        #expect(piped.stdout.hasPrefix("{"))
    }

    @Test func updateChangesFieldsAndShowListsVersionsAndEvents() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: secret)
        let updated = await cli.run("update", "checkout", "--env", "prod", "--scopes", "orders:write,orders:read", "--max-age", "30d", "--format", "json")
        #expect(updated.code == 0, "\(updated.stderr)")
        #expect(try updated.json()["max_age_days"] as? Int == 30)
        let shown = try await cli.run("show", "checkout", "--env", "prod", "--format", "json").json()
        #expect((shown["versions"] as? [[String: Any]])?.first?["stage"] as? String == "current")
        let actions = (shown["recent_events"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
        #expect(actions == ["key.update", "key.add"])
        let details = (shown["recent_events"] as? [[String: Any]])?.first?["details"] as? [String: String]
        #expect(details?["scopes"] == "orders:read,orders:write")
    }

    @Test func importsCSVAllOrNothing() async throws {
        let cli = await CLIHarness.initialised()
        let good = cli.folder.write("good.csv", "name,env,scopes,owner\ncheckout,prod,\"orders:write,products:read\",payments\nstorefront,prod,products:read,web\n")
        let imported = await cli.run("import", good)
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 2 keys"))

        let clash = cli.folder.write("clash.csv", "name,env,scopes\nnew-one,prod,*\ncheckout,prod,*\n")
        let refused = await cli.run("import", clash)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("clash.csv:3"))

        let malformed = cli.folder.write("bad.csv", "name,env,scopes\nfine,prod,*\nBAD,prod,*\n")
        let rejected = await cli.run("import", malformed)
        #expect(rejected.code == 65)
        #expect(rejected.stderr.contains("bad.csv:3: invalid name 'BAD'"))

        let listed = try await cli.run("list", "--format", "json").json()
        #expect((listed["keys"] as? [Any])?.count == 2)
    }

    @Test func retireTwiceIsAFailedOperation() async throws {
        let cli = await CLIHarness.initialised()
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*")
        #expect(await cli.run("retire", "checkout", "--env", "prod").code == 0)
        let again = await cli.run("retire", "checkout", "--env", "prod")
        #expect(again.code == 1)
        #expect(again.stderr.contains("already retired"))
    }
}
