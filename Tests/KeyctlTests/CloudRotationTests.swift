import Foundation
import KeyctlTestSupport
import Testing

/// The same rotation scenarios for every real adapter, with the built binary against real servers
/// on loopback: OpenBao, moto (Secrets Manager, IAM) and the provider's REST admin API.
@Suite(.serialized)
struct CloudRotationTests {
    @Test(arguments: CloudSetup.allCases)
    func aRotationReplacesTheKeyEverywhereAndLeavesNoSecretBehind(setup: CloudSetup) async throws {
        let world = try CloudRotationWorld(setup)
        try await world.addKey()
        let rotation = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(rotation.code == 0, "\(rotation.stderr)")
        #expect(try await world.problemsAfterRotation() == [])
        let deployed = try #require(try await world.deployedSecret())
        #expect(secretLeaks(of: [world.original, deployed], printed: world.everythingPrinted, registry: world.folder.file("registry.db")) == [])
    }

    static let crashPoints = [
        "create.before", "create.during", "create.after", "snapshot.0.before", "snapshot.0.during", "snapshot.0.after",
        "deploy.0.before", "deploy.0.during", "deploy.0.after", "verify.before", "verify.during", "verify.after",
        "delete.before", "delete.during", "delete.after",
    ]

    @Test(arguments: CloudSetup.allCases, crashPoints)
    func killedAtAnyPointTheRotationResumesToExactlyOneCurrentKey(setup: CloudSetup, point: String) async throws {
        let world = try CloudRotationWorld(setup)
        try await world.addKey()
        let crashed = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point])
        #expect(crashed.killed, "keyctl was not killed at \(point): \(crashed.stderr)")
        let resumed = try world.keyctl("rotate", "checkout", "--env", "prod", "--resume")
        #expect(resumed.code == 0, "\(point): \(resumed.stderr)")
        #expect(try await world.problemsAfterRotation() == [], "after a crash at \(point)")
    }

    @Test(arguments: CloudSetup.allCases, ["create.during", "snapshot.0.after", "deploy.0.during", "verify.during", "verify.after"])
    func killedBeforeDeleteTheRotationAbortsToExactlyTheOldState(setup: CloudSetup, point: String) async throws {
        let world = try CloudRotationWorld(setup)
        try await world.addKey()
        #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point]).killed)
        let aborted = try world.keyctl("rotate", "checkout", "--env", "prod", "--abort")
        #expect(aborted.code == 0, "\(point): \(aborted.stderr)")
        #expect(try await world.problemsAfterAbort() == [], "after a crash at \(point)")
    }

    /// Where the rotation is stopped (nil: not at all) before a service goes down, and which.
    static let outages: [(String?, CloudRotationWorld.Service)] = [
        (nil, .issuer), ("create.after", .store), ("snapshot.0.after", .store), ("verify.after", .issuer),
    ]

    @Test(arguments: CloudSetup.allCases, outages.indices)
    func aServiceDownMidRotationFailsWith69AndResumeCompletesOnceItIsBack(setup: CloudSetup, outage: Int) async throws {
        let (point, service) = Self.outages[outage]
        let world = try CloudRotationWorld(setup)
        try await world.addKey()
        if let point {
            #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": point]).killed)
        }
        world.proxy(service).down()
        let failed = point == nil
            ? try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
            : try world.keyctl("rotate", "checkout", "--env", "prod", "--resume")
        #expect(failed.code == 69, "\(service) down after \(point ?? "the start"): \(failed.stderr)")
        #expect(failed.stderr.contains("--resume"))
        #expect(failed.stderr.split(separator: "\n").count == 1, "one line: \(failed.stderr)")
        world.proxy(service).up()
        let resumed = try world.keyctl("rotate", "checkout", "--env", "prod", "--resume")
        #expect(resumed.code == 0, "\(resumed.stderr)")
        #expect(try await world.problemsAfterRotation() == [])
    }

    @Test func anIAMUserWithTwoKeysIsRefusedAndNothingChanges() async throws {
        let world = try CloudRotationWorld(.awsIAM)
        try await world.addKey()
        #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--yes", extra: ["KEYCTL_FAULT": "create.during"]).killed)
        #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--abort").code == 0)
        #expect(try world.accessKeys().count == 1)
        _ = try world.createAccessKeyOutsideKeyctl()
        let refused = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(refused.code == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("already has two access keys"))
        #expect(try world.accessKeys().count == 2)
        #expect(try await world.deployedSecret() == world.original)
    }

    @Test func duringGraceTheOldIAMKeyIsInactiveAndAbortMakesItActiveAgain() async throws {
        let world = try CloudRotationWorld(.awsIAM)
        try await world.addKey()
        let started = try world.keyctl("rotate", "checkout", "--env", "prod", "--grace", "1h", "--yes")
        #expect(started.code == 0, "\(started.stderr)")
        let keys = try world.accessKeys()
        #expect(keys.count == 2)
        #expect(keys[world.originalID] == "Inactive")
        #expect(keys.values.filter { $0 == "Active" }.count == 1)
        let aborted = try world.keyctl("rotate", "checkout", "--env", "prod", "--abort")
        #expect(aborted.code == 0, "\(aborted.stderr)")
        #expect(try await world.problemsAfterAbort() == [])
    }

    @Test func underDeactivateAtDeleteTheOldIAMKeyStaysActiveThroughGraceAndIsDeletedAfter() async throws {
        let world = try CloudRotationWorld(.awsIAM, deactivate: "at-delete")
        try await world.addKey()
        let started = try world.keyctl("rotate", "checkout", "--env", "prod", "--grace", "1h", "--yes")
        #expect(started.code == 0, "\(started.stderr)")
        let keys = try world.accessKeys()
        #expect(keys.count == 2)
        #expect(keys.values.allSatisfy { $0 == "Active" }, "\(keys)")
        let aborted = try world.keyctl("rotate", "checkout", "--env", "prod", "--abort")
        #expect(aborted.code == 0, "\(aborted.stderr)")
        #expect(try await world.problemsAfterAbort() == [])
        let rotated = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(rotated.code == 0, "\(rotated.stderr)")
        #expect(try await world.problemsAfterRotation() == [])
    }

    @Test(arguments: ["garbage", "slow", "reject", "error"])
    func aProviderAnsweringBadlyFailsWith69AfterRetries(mode: String) async throws {
        let world = try CloudRotationWorld(.vault)
        try await world.addKey()
        try await world.provider.setAdminAPIMode(mode)
        let failed = try world.keyctl("rotate", "checkout", "--env", "prod", "--yes")
        #expect(failed.code == 69, "\(mode): \(failed.stderr)")
        #expect(failed.stderr.contains("issuer keys"), "\(failed.stderr)")
        #expect(failed.stderr.contains("2 attempts"), "\(failed.stderr)")
        #expect(!failed.stderr.contains(ProviderServer.adminToken))
        try await world.provider.setAdminAPIMode("ok")
        #expect(try world.keyctl("rotate", "checkout", "--env", "prod", "--resume").code == 0)
        #expect(try await world.problemsAfterRotation() == [])
    }
}
