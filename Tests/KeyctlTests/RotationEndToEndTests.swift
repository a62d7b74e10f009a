import Foundation
import KeyctlTestSupport
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The built binary rotating keys at a real (loopback) provider through an exec issuer, a dotenv
/// file and an HTTP verifier.
struct RotationEndToEndTests {
    @Test func aRotationNeverFailsTheApplicationAndLeavesNoSecretBehind() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        // The application: reads its key from the dotenv file and calls the provider, over and over,
        // on a thread of its own while keyctl rotates the key.
        let application = ApplicationLoop(world: world, name: "checkout")
        let rotation = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        let (requests, failures) = application.stop()
        #expect(rotation.code == 0, "\(rotation.stderr)")
        #expect(requests > 0)
        #expect(failures == 0, "the application failed \(failures) of \(requests) requests")
        #expect(try await world.problemsAfterRotation("checkout", original: original) == [])

        let newSecret = try #require(world.deployedSecret("checkout"))
        #expect(try world.keyctl("identify", stdin: newSecret).code == 0)
        #expect(secretLeaks(of: [original, newSecret], printed: world.everythingPrinted, registry: world.folder.file("registry.db")) == [])
    }

    static let crashPoints = [
        "create.before", "create.during", "create.after", "snapshot.0.before", "snapshot.0.during", "snapshot.0.after",
        "deploy.0.before", "deploy.0.during", "deploy.0.after", "verify.before", "verify.during", "verify.after",
        "delete.before", "delete.during", "delete.after", "confirm.before", "confirm.during", "confirm.after",
    ]

    /// `checkout` deploys to a dotenv file, read back for its snapshot; `hooked` to a hook, which
    /// cannot be read back: its empty snapshot is recorded with the credential, and the rotation
    /// ends with the delete (there is no old secret to check). Every point fires for both.
    @Test(arguments: ["checkout", "hooked"], crashPoints)
    func killedAtAnyPointTheRotationResumesToExactlyOneCurrentKey(key: String, point: String) async throws {
        let world = try RotationWorld()
        let original = try await world.addKey(key)
        let crashed = try world.keyctl("rotate", key, "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point])
        #expect(crashed.killed, "keyctl was not killed at \(point): \(crashed.stderr)")
        let resumed = try world.keyctl("rotate", key, "--env", "prod", "--resume")
        #expect(resumed.code == 0, "\(point): \(resumed.stderr)")
        #expect(try await world.problemsAfterRotation(key, original: original) == [], "after a crash at \(point)")
    }

    @Test(arguments: ["create.during", "snapshot.0.after", "deploy.0.during", "verify.during"])
    func killedBeforeDeleteTheRotationCanBeAbortedToExactlyTheOldState(point: String) async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point]).killed)
        let aborted = try world.keyctl("rotate", "checkout", "--env", "prod", "--abort")
        #expect(aborted.code == 0, "\(point): \(aborted.stderr)")
        #expect(try await world.problemsAfterAbort("checkout", original: original) == [], "after a crash at \(point)")
        #expect(try world.keyctl("rotations", "--active", "--format", "json").stdout.contains("\"rotations\":[]"))
    }

    @Test func aSecondProcessRotatingTheSameKeyExits75NamingTheFirst() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("slow")
        let first = try KeyctlProcess.start(["rotate", "slow", "--env", "prod", "--yes"], environment: world.environment)
        var active = ""
        for _ in 0..<100 where !active.contains("\"name\":\"slow\"") {
            usleep(50_000)
            active = try world.keyctl("rotations", "--active", "--format", "json").stdout
        }
        let second = try world.keyctl("rotate", "slow", "--env", "prod", "--yes")
        let firstResult = first.wait()
        #expect(second.code == 75)
        #expect(second.stderr.contains("locked by rotation"))
        #expect(firstResult.code == 0, "\(firstResult.stderr)")
        #expect(try await world.problemsAfterRotation("slow", original: original) == [])
    }

    @Test func aProviderThatIsDownFailsWith69AndResumeCompletesOnceItIsBack() async throws {
        let world = try RotationWorld(verifierURL: "http://127.0.0.1:9/check")
        let original = try await world.addKey("checkout")
        let failed = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(failed.code == 69, "\(failed.stderr)")
        #expect(failed.stderr.contains("--resume"))
        #expect(world.deployedSecret("checkout") != original)
        #expect(try await world.provider.accepts(original), "the old key stays valid while the new one is unverified")

        world.writeConfig(verifierURL: world.provider.url + "/check")
        let resumed = try world.keyctl("rotate", "checkout", "--env", "prod", "--resume")
        #expect(resumed.code == 0, "\(resumed.stderr)")
        #expect(try await world.problemsAfterRotation("checkout", original: original) == [])
    }

    @Test func graceKeepsTheOldKeyUntilRotationsFinish() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        let started = try world.keyctl("rotate", "checkout", "--env", "prod", "--grace", "1h", "--yes")
        #expect(started.code == 0, "\(started.stderr)")
        #expect(started.stdout.contains("stays valid until"))
        #expect(try await world.provider.accepts(original))
        #expect(try world.keyctl("rotations", "finish").code == 0)
        #expect(try await world.provider.accepts(original), "grace has not passed yet")
    }

    @Test func dryRunPrintsThePlanAndChangesNothing() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        let plan = try world.keyctl("rotate", "checkout", "--env", "prod", "--dry-run")
        #expect(plan.code == 0)
        #expect(plan.stdout.contains("deploy   the new secret to target 'app-env'"))
        #expect(plan.stdout.contains("verify   the new secret with verifier 'app'"))
        #expect(world.deployedSecret("checkout") == original)
        #expect(try await world.provider.validFingerprints().count == 1)
    }

    @Test func compromiseRotateReplacesTheLeakedKeyAtOnce() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        let result = try world.keyctl("compromise", "--secret-stdin", "--reason", "public gist", "--rotate", "--format", "json", stdin: original)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(try await world.problemsAfterRotation("checkout", original: original) == [])
        let shown = try world.keyctl("list", "--format", "json").stdout
        #expect(shown.contains("\"status\":\"active\""))
    }

    @Test func verifyRecordsTheOutcomeAndReportFlagsAFailure() async throws {
        let world = try RotationWorld()
        _ = try await world.addKey("checkout")
        #expect(try world.keyctl("verify", "checkout", "--env", "prod").code == 0)
        #expect(try world.keyctl("list", "--format", "json").stdout.contains("\"last_verified_at\":\"20"))
        world.folder.write("checkout.env", "API_KEY=sk_prov_not_a_valid_key_at_all_000000\n")
        let failed = try world.keyctl("verify", "checkout", "--env", "prod")
        #expect(failed.code == 1)
        let report = try world.keyctl("report", "--format", "json")
        #expect(report.code == 2)
        #expect(report.stdout.contains("\"verify_failed\""))
    }

    @Test(arguments: ["finish.before", "finish.after"])
    func withoutAVerifierTheFinishPointsFireAndResumeCompletes(point: String) async throws {
        let world = try RotationWorld()
        let config = try String(contentsOfFile: world.folder.file("keyctl.toml"), encoding: .utf8)
        world.folder.write("keyctl.toml", config.replacingOccurrences(of: "verifier = \"app\"\n", with: ""))
        let original = try await world.addKey("checkout")
        let crashed = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point])
        #expect(crashed.killed, "keyctl was not killed at \(point): \(crashed.stderr)")
        let resumed = try world.keyctl("rotate", "checkout", "--env", "prod", "--resume")
        #expect(resumed.code == 0, "\(point): \(resumed.stderr)")
        #expect(try await world.problemsAfterRotation("checkout", original: original) == [])
    }

    @Test func anUnknownFaultPointIsAUsageErrorAndChangesNothing() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        let refused = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": "deploy.0.befor"])
        #expect(refused.code == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("names no crash point"))
        #expect(world.deployedSecret("checkout") == original)
        #expect(try world.keyctl("rotations", "--format", "json").stdout.contains("\"rotations\":[]"))
    }

    @Test func anOldSecretStillAcceptedMakesTheBatchExit2LikeASingleRotation() async throws {
        let world = try RotationWorld()
        for name in ["a", "b"] {
            _ = try await world.addKey(name)
            _ = try world.keyctl("update", name, "--env", "prod", "--rotated", "2020-01-01")
        }
        try await world.provider.setRevocationMode("ignored")
        let batch = try world.keyctl("rotate", "--overdue", "--concurrency", "2")
        #expect(batch.code == 2, "\(batch.stdout)\(batch.stderr)")
        #expect(batch.stdout.contains("2 of 2 rotated, 0 failed, 2 with the old secret STILL ACCEPTED (see stderr)"))
        #expect(batch.stderr.contains("STILL ACCEPTED"))
    }

    @Test func aVerifierUnreachableAfterDeleteIsUnconfirmedNotStillAccepted() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("checkout")
        try await world.provider.setRevocationMode("unverifiable")
        let rotated = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(rotated.code == 1, "\(rotated.stderr)")
        #expect(rotated.stderr.contains("could not confirm the old secret is rejected"))
        #expect(!rotated.stderr.contains("STILL ACCEPTED"))
        #expect(!rotated.stdout.contains("WARNING"))
        let json = try world.keyctl("rotations", "--format", "json").stdout
        #expect(json.contains("\"revocation\":\"unconfirmed\""))
        #expect(json.contains("\"old_secret_still_valid\":false"))
        #expect(try await world.problemsAfterRotation("checkout", original: original) == [])
    }

    @Test func rotateOverdueRotatesEveryOverdueKeyConcurrently() async throws {
        let world = try RotationWorld()
        var originals: [String: String] = [:]
        for name in ["a", "b", "c"] { originals[name] = try await world.addKey(name) }
        _ = try world.keyctl("update", "c", "--env", "prod", "--rotated", "2999-01-01")
        for name in ["a", "b"] { _ = try world.keyctl("update", name, "--env", "prod", "--rotated", "2020-01-01") }
        let result = try world.keyctl("rotate", "--overdue", "--concurrency", "2")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("2 of 2 rotated, 0 failed"))
        for name in ["a", "b"] {
            #expect(try await world.problemsAfterRotation(name, original: originals[name]!, expectedKeys: 3) == [])
        }
        #expect(world.deployedSecret("c") == originals["c"])
    }
}

/// An application using its key without pause: reads it from the dotenv file and calls the
/// provider's `/check`, counting failures. Runs on its own thread.
final class ApplicationLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var requests = 0
    private var failures = 0
    private let finished = DispatchSemaphore(value: 0)

    init(world: RotationWorld, name: String) {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                guard let key = world.deployedSecret(name) else { continue }
                var request = URLRequest(url: URL(string: world.provider.url + "/check")!)
                request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
                let done = DispatchSemaphore(value: 0)
                let status = LockedStatus()
                URLSession.shared.dataTask(with: request) { _, response, _ in
                    status.value = (response as? HTTPURLResponse)?.statusCode ?? 0
                    done.signal()
                }.resume()
                done.wait()
                lock.withLock {
                    requests += 1
                    if status.value != 200 { failures += 1 }
                }
            }
            finished.signal()
        }
    }

    /// Stops the loop and returns how many requests it made and how many failed.
    func stop() -> (requests: Int, failures: Int) {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { (requests, failures) }
    }
}

final class LockedStatus: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    var value: Int {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
