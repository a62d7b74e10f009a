import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

/// Which transactions a rotation records: one per fact that must be durable before the next call
/// to an adapter, and no more.
struct RotationTransactionTests {
    @Test(arguments: StoreKind.allCases) func readableTargetsHaveTheirSnapshotsRecordedBeforeEachDeploy(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let ledger = RecordingLedger(scenario.test.registry)
        let done = try await scenario.driver(ledger: ledger).run(try await scenario.begin(), announced: .begun)
        #expect(done.state == .done)
        #expect(done.revocation == .rejected)
        #expect(ledger.writes == [
            "recordCreated", "recordSnapshot", "recordDeployed", "recordSnapshot", "recordDeployed",
            "recordVerified", "recordDeleteStarting", "recordDeleted", "recordDone",
        ])
    }

    @Test(arguments: StoreKind.allCases) func anUnreadableTargetsEmptySnapshotIsRecordedWithTheStepBeforeIt(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store, targetsReadBack: false)
        let ledger = RecordingLedger(scenario.test.registry)
        let done = try await scenario.driver(ledger: ledger).run(try await scenario.begin(), announced: .begun)
        #expect(done.state == .done)
        #expect(done.snapshotsTaken == 2)
        #expect(done.revocation == nil, "no earlier value was read, so there is nothing to check")
        #expect(ledger.writes == ["recordCreated", "recordDeployed", "recordDeployed", "recordVerified", "recordDeleteStarting", "recordDeleted"])
        #expect(try await scenario.expectRotated() == [])
        // The audit trail still has one event per fact, in order.
        let actions = try await scenario.detail().recentEvents.reversed().map(\.action)
        #expect(Array(actions.drop { $0 != "rotation.begin" }) == [
            "rotation.begin", "rotation.created", "rotation.snapshot", "rotation.deployed", "rotation.snapshot", "rotation.deployed",
            "rotation.verified", "rotation.delete_started", "rotation.deleted", "rotation.done",
        ])
        // Each deploy was journalled as started before it ran.
        let journal = try await scenario.storedRows(
            "SELECT step, target, phase FROM rotation_steps WHERE rotation_id = '\(done.id)' AND step = 'deploy' ORDER BY seq")
        #expect(journal == [["deploy", "app-env", "started"], ["deploy", "app-vault", "started"]])
    }

    @Test(arguments: StoreKind.allCases) func withoutAVerifierTheDeleteEndsTheRotation(store: StoreKind) async throws {
        var scenario = try await RotationScenario(store)
        scenario.verifier = nil
        let ledger = RecordingLedger(scenario.test.registry)
        let done = try await scenario.driver(ledger: ledger).run(try await scenario.begin(), announced: .begun)
        #expect(done.state == .done)
        #expect(done.owner == nil)
        #expect(done.sealedSecret == nil)
        #expect(ledger.writes.suffix(2) == ["recordDeleteStarting", "recordDeleted"])
        #expect(try await scenario.storedRows("SELECT CAST(count(*) AS TEXT) FROM rotation_snapshots WHERE sealed_value IS NOT NULL") == [["0"]])
    }
}
