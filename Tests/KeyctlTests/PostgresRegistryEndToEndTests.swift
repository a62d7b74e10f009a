import Foundation
import KeyctlTestSupport
import Testing

/// The built binary sharing one PostgreSQL registry: several processes, and several machines
/// (keyctl in a UTS namespace with another host name), at once.
struct PostgresRegistryEndToEndTests {
    @Test func eightProcessesRotateReportCompromiseAndImportAtOnceAndLeaveEveryKeyWhole() async throws {
        let database = try PostgresTestDatabase(prefix: "keyctl_e2e")
        let world = try RotationWorld(registry: database.displayName)
        var originals: [String: String] = [:]
        for name in ["alpha", "bravo", "charlie", "delta"] { originals[name] = try await world.addKey(name) }
        world.folder.write("more.csv", "name,env,scopes\n" + (0..<500).map { "bulk-\($0),prod,orders:read\n" }.joined())
        let commands: [[String]] = [
            ["rotate", "alpha", "--env", "prod", "--yes"],
            ["rotate", "bravo", "--env", "prod", "--yes"],
            ["rotate", "alpha", "--env", "prod", "--yes"],
            ["compromise", "charlie", "--env", "prod", "--reason", "drill", "--rotate"],
            ["report", "--format", "json"],
            ["import", world.folder.file("more.csv")],
            ["rotate", "delta", "--env", "prod", "--yes"],
            ["audit", "verify"],
        ]
        let running = try commands.map { try KeyctlProcess.start($0, environment: world.environment) }
        let results = running.map { $0.wait() }
        for (index, result) in results.enumerated() {
            // One rotation of alpha may find the other in flight (75) or run after it (0).
            let allowed: Set<Int32> = [0, 2].contains(index) ? [0, 75] : index == 4 ? [0, 1, 2] : [0]
            #expect(allowed.contains(result.code), "\(commands[index]): exit \(result.code): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }

        #expect(results[0].code == 0 || results[2].code == 0, "neither rotation of alpha ran")
        let notOneCurrent = try database.rows(
            "SELECT k.name FROM keys k JOIN key_versions v ON v.key_id = k.id GROUP BY k.name HAVING count(*) FILTER (WHERE v.stage = 'current') <> 1")
        #expect(notOneCurrent.isEmpty, "keys without exactly one current version: \(notOneCurrent)")
        #expect(try database.rows("SELECT id FROM rotations WHERE state NOT IN ('done', 'aborted')").isEmpty, "a rotation is stuck")
        #expect(try database.rows("SELECT count(*)::text FROM keys WHERE name LIKE 'bulk-%'") == [["500"]])
        for name in ["bravo", "charlie", "delta"] {
            #expect(try await world.problemsAfterRotation(name, original: originals[name]!, expectedKeys: 4) == [], "\(name)")
        }
        let verified = try world.keyctl("audit", "verify")
        #expect(verified.code == 0, "\(verified.stdout)\(verified.stderr)")
        let gaps = try database.rows("SELECT count(*)::text FROM audit_events a WHERE a.seq > 1 AND NOT EXISTS (SELECT 1 FROM audit_events b WHERE b.seq = a.seq - 1)")
        #expect(gaps == [["0"]])
    }

    @Test func anOwnerKilledOnOneMachineIsTakenOverFromAnotherOnlyOnceItsLeaseExpiresOnTheDatabaseClock() async throws {
        let database = try PostgresTestDatabase(prefix: "keyctl_e2e")
        let world = try RotationWorld(registry: database.displayName)
        let original = try await world.addKey("blocked")
        let environment = world.environment.merging(["KEYCTL_ROTATION_LEASE": "4"]) { $1 }
        let owner = try KeyctlProcess.start(["rotate", "blocked", "--env", "prod", "--yes"], environment: environment, host: "machine-a")
        for _ in 0..<1200 where world.deployedSecret("blocked") == original { usleep(50_000) }
        #expect(world.deployedSecret("blocked") != original, "the owner never deployed")

        owner.kill()
        #expect(owner.wait().killed)
        let killedAt = Date()
        world.folder.write("release", "")  // the abort's restore goes through the same hook
        // From machine B the owner's pid means nothing: only its lease, still running, tells.
        let early = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--abort"], environment: environment, host: "machine-b")
        if Date().timeIntervalSince(killedAt) < 2.5 {
            #expect(early.code == 75, "\(early.stderr)")
            #expect(early.stderr.contains("machine-a"), "\(early.stderr)")
        }
        var aborted = early
        let deadline = Date().addingTimeInterval(60)
        while aborted.code == 75, Date() < deadline {
            usleep(500_000)
            aborted = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--abort"], environment: environment, host: "machine-b")
        }
        #expect(aborted.code == 0, "\(aborted.stderr)")
        #expect(Date().timeIntervalSince(killedAt) >= 1, "taken over before the lease could have expired")
        #expect(try await world.problemsAfterAbort("blocked", original: original) == [])
        #expect(try world.keyctl("audit", "verify").code == 0)
    }

    @Test func aPausedOwnerThatWakesAfterATakeoverCannotWrite() async throws {
        let database = try PostgresTestDatabase(prefix: "keyctl_e2e")
        let world = try RotationWorld(registry: database.displayName)
        let original = try await world.addKey("blocked")
        let environment = world.environment.merging(["KEYCTL_ROTATION_LEASE": "3"]) { $1 }
        let owner = try KeyctlProcess.start(["rotate", "blocked", "--env", "prod", "--yes"], environment: environment, host: "machine-a")
        for _ in 0..<1200 where world.deployedSecret("blocked") == original { usleep(50_000) }
        owner.signal(SIGSTOP)
        world.folder.write("release", "")  // the owner's deploy hook returns while the owner sleeps

        var aborted = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--abort"], environment: environment, host: "machine-b")
        let deadline = Date().addingTimeInterval(90)  // the lease, or the server's 30 s limit on a writer paused mid-transaction
        while aborted.code == 75, Date() < deadline {
            usleep(500_000)
            aborted = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--abort"], environment: environment, host: "machine-b")
        }
        #expect(aborted.code == 0, "\(aborted.stderr)")
        let eventsAfterAbort = try database.rows("SELECT count(*)::text FROM audit_events")

        owner.signal(SIGCONT)
        let woken = owner.wait()
        // Fenced (75, taken over), or, when it was paused inside a write, its session ended by the
        // server (69): either way it writes nothing.
        #expect(woken.code == 75 || woken.code == 69, "\(woken.stderr)")
        #expect(woken.code == 69 || woken.stderr.contains("taken over"), "\(woken.stderr)")
        #expect(try database.rows("SELECT count(*)::text FROM audit_events") == eventsAfterAbort, "the fenced owner wrote")
        #expect(try database.rows("SELECT state FROM rotations") == [["aborted"]])
        let current = try database.rows("SELECT fingerprint FROM key_versions WHERE stage = 'current'")
        #expect(current == [[RotationWorld.fingerprint(original)]])
        #expect(try world.keyctl("audit", "verify").code == 0)
    }

    @Test func aConnectionDroppedMidRotationExits69WritesNothingHalfAndAnotherMachineResumesAfterTheLease() async throws {
        let database = try PostgresTestDatabase(prefix: "keyctl_e2e")
        let server = try #require(URLComponents(string: ProcessInfo.processInfo.environment[PostgresTestDatabase.environmentVariable] ?? ""))
        let proxy = try ToggleProxy(to: "tcp://127.0.0.1:\(server.port ?? 5432)")
        let proxyPort = try #require(URLComponents(string: proxy.url)?.port)
        let world = try RotationWorld(registry: "postgres://\(server.user ?? "postgres")@127.0.0.1:\(proxyPort)/\(database.name)")
        let original = try await world.addKey("blocked")
        let environment = world.environment.merging(["KEYCTL_ROTATION_LEASE": "3"]) { $1 }
        let owner = try KeyctlProcess.start(["rotate", "blocked", "--env", "prod", "--yes"], environment: environment, host: "machine-a")
        for _ in 0..<1200 where world.deployedSecret("blocked") == original { usleep(50_000) }
        #expect(world.deployedSecret("blocked") != original, "the owner never deployed")

        proxy.down()
        world.folder.write("release", "")
        let dropped = owner.wait()
        #expect(dropped.code == 69, "\(dropped.stderr)")
        #expect(dropped.stderr.contains("127.0.0.1:\(proxyPort)/\(database.name)"), "\(dropped.stderr)")
        #expect(!dropped.stderr.contains("Fatal error"))
        // Nothing half-written: the original is still the one current version, the new one pending.
        #expect(try database.rows("SELECT stage FROM key_versions ORDER BY stage") == [["current"], ["pending"]])
        #expect(try database.rows("SELECT fingerprint FROM key_versions WHERE stage = 'current'") == [[RotationWorld.fingerprint(original)]])

        proxy.up()
        var resumed = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--resume"], environment: environment, host: "machine-b")
        let deadline = Date().addingTimeInterval(60)
        while resumed.code == 75, Date() < deadline {
            usleep(500_000)
            resumed = try KeyctlProcess.run(["rotate", "blocked", "--env", "prod", "--resume"], environment: environment, host: "machine-b")
        }
        #expect(resumed.code == 0, "\(resumed.stderr)")
        #expect(try await world.problemsAfterRotation("blocked", original: original) == [])
        #expect(try world.keyctl("audit", "verify").code == 0)
    }
}
