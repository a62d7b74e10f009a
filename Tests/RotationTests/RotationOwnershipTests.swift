import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

/// A rotation in flight belongs to the process driving it: others wait while it runs, take over
/// when it is gone, and a stale owner that wakes up cannot write.
struct RotationOwnershipTests {
    let owner = FakeProcessTable.process(100)
    let second = FakeProcessTable.process(200)
    let remote = FakeProcessTable.process(300, on: "host-b")

    func ownership(_ scenario: RotationScenario, as current: RotationOwner, running: [RotationOwner]) -> RotationOwnership {
        RotationOwnership(
            ledger: scenario.test.registry, processes: FakeProcessTable(current, running: running), leaseDuration: TimeSpan(seconds: 60))
    }

    @Test(arguments: StoreKind.allCases) func anotherProcessCannotClaimARotationWhoseOwnerStillRunsOnThisHost(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin(owner: owner)
        // Even once the lease has expired (the owner is paused, say), a running owner keeps it.
        scenario.test.clock.advance(by: TimeSpan(seconds: 3_600))
        let error = await #expect(throws: KeyStoreError.self) {
            try await ownership(scenario, as: second, running: [owner]).claim(record, actor: "second")
        }
        #expect(error?.category == .busy)
        #expect(error?.message.contains("pid 100 on host-a") == true)
        #expect(error?.message.contains("Check that process first") == true)
        #expect(try await scenario.inFlight()?.ownerEpoch == 1)
    }

    @Test(arguments: StoreKind.allCases) func anOwnerThatNoLongerRunsOnThisHostIsTakenOverAtOnce(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin(owner: owner)
        let claimed = try await ownership(scenario, as: second, running: []).claim(record, actor: "second")
        #expect(claimed.owner == second)
        #expect(claimed.ownerEpoch == 2)
        let event = try #require(try await scenario.detail().recentEvents.first)
        #expect(event.action == "rotation.claimed")
        #expect(event.details.contains("owner no longer runs"))
        #expect(try await scenario.driver.run(claimed).state == .done)
        #expect(try await scenario.expectRotated() == [])
    }

    @Test(arguments: StoreKind.allCases) func anOwnerOnAnotherHostIsTakenOverOnlyOnceItsLeaseHasExpired(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin(owner: remote)
        let local = ownership(scenario, as: second, running: [])
        scenario.test.clock.advance(by: TimeSpan(seconds: 59))
        await #expect(throws: KeyStoreError.self) { try await local.claim(record, actor: "second") }
        scenario.test.clock.advance(by: TimeSpan(seconds: 1))
        #expect(try await local.claim(record, actor: "second").owner == second)
    }

    @Test(arguments: StoreKind.allCases) func aRenewedLeaseKeepsTheRotationFromAnotherHost(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin(owner: remote)
        scenario.test.clock.advance(by: TimeSpan(seconds: 50))
        try await scenario.test.registry.renewLease(record.lease, for: TimeSpan(seconds: 60))
        scenario.test.clock.advance(by: TimeSpan(seconds: 50))
        await #expect(throws: KeyStoreError.self) {
            try await ownership(scenario, as: second, running: []).claim(record, actor: "second")
        }
    }

    @Test(arguments: StoreKind.allCases) func aPausedOwnerThatWakesUpAfterATakeoverCannotWrite(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let stale = try await scenario.begin(owner: remote)
        scenario.test.clock.advance(by: TimeSpan(seconds: 61))
        let claimed = try await ownership(scenario, as: second, running: []).claim(stale, actor: "second")
        let before = try await scenario.detail()

        // The old owner wakes up and carries on from what it last read: every write is refused.
        let failure = await #expect(throws: RotationFailure.self) { try await scenario.driver.run(stale) }
        #expect((failure?.underlying as? KeyStoreError)?.message.contains("was taken over by pid 200 on host-a") == true)
        #expect(failure?.description.contains("--resume") == false)
        await #expect(throws: KeyStoreError.self) { try await scenario.test.registry.renewLease(stale.lease, for: TimeSpan(seconds: 60)) }
        await #expect(throws: KeyStoreError.self) { try await scenario.test.registry.recordAborted(stale.lease, actor: "stale") }
        let after = try await scenario.detail()
        #expect(after.versions == before.versions)
        #expect(after.recentEvents == before.recentEvents)
        #expect(await scenario.provider.createCalls == 0)
        #expect(try await scenario.inFlight() == claimed)

        // The new owner completes the rotation.
        #expect(try await scenario.driver.run(claimed).state == .done)
        #expect(try await scenario.expectRotated() == [])
    }

    @Test(arguments: StoreKind.allCases) func aRotationItsOwnerLetGoCanBeClaimedByAnyProcess(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin(owner: owner)
        let held = ownership(scenario, as: owner, running: [])
        _ = try await held.holding(record.lease) { record }
        let released = try #require(try await scenario.inFlight())
        #expect(released.owner == nil)
        #expect(released.leaseUntil == nil)
        let claimed = try await ownership(scenario, as: second, running: [owner]).claim(released, actor: "second")
        #expect(claimed.owner == second)
    }

    @Test(arguments: StoreKind.allCases) func aSecondRotationOfTheKeyNamesTheOwnerAndAdvisesCheckingItFirst(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        _ = try await scenario.begin(owner: owner)
        let error = await #expect(throws: KeyStoreError.self) { try await scenario.begin(owner: second) }
        #expect(error?.category == .busy)
        #expect(error?.message.contains("driven by pid 100 on host-a") == true)
        #expect(error?.message.contains("Check that process first") == true)
    }

    @Test(arguments: StoreKind.allCases) func aBatchLeavesAloneAKeyThatAnotherRunRotatedAfterTheBatchChoseIt(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let chosenAt = scenario.test.clock.now()
        scenario.test.clock.advance(by: TimeSpan(seconds: 5))
        _ = try await scenario.driver.run(try await scenario.begin(owner: second))
        let error = await #expect(throws: KeyStoreError.self) { try await scenario.begin(owner: owner, unlessBegunSince: chosenAt) }
        #expect(error?.category == .superseded)
        #expect(error?.message.contains("another run began rotation") == true)
        #expect(try await scenario.inFlight() == nil)

        scenario.test.clock.advance(by: TimeSpan(seconds: 5))
        let later = try await scenario.begin(owner: owner, unlessBegunSince: scenario.test.clock.now())
        #expect(later.owner == owner)
    }

    @Test func theLocalProcessTableKnowsThisProcessAndNotAReusedPid() {
        let table = LocalProcessTable()
        #expect(table.isRunning(table.currentProcess) == true)
        var reused = table.currentProcess
        reused.processStart += "0"
        #expect(table.isRunning(reused) == false)
        var elsewhere = table.currentProcess
        elsewhere.host += ".elsewhere"
        #expect(table.isRunning(elsewhere) == nil)
    }
}
