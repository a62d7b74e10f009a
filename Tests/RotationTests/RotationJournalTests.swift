import Testing
import KeyStore
import KeyctlTestSupport
@testable import Rotation

@Suite struct RotationJournalTests {
    /// Each step's start is journalled by the transaction that recorded the step before it, so
    /// folding the transactions must neither drop a start nor journal one twice.
    @Test(arguments: StoreKind.allCases) func everyStepStartIsJournalledOnceInOrderBeforeItsOutsideCall(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        // The store journals create as started when the rotation begins.
        let done = try await scenario.driver.run(try await scenario.begin(), announced: .begun)
        #expect(done.state == .done)
        let starts = try await scenario.storedRows(
            "SELECT step, target FROM rotation_steps WHERE rotation_id = '\(done.id)' AND phase = 'started' ORDER BY seq"
        ).map { row in [row[0], row[1]].compactMap { $0 }.joined(separator: " ") }
        #expect(starts == ["create", "deploy app-env", "deploy app-vault", "verify fake-verifier"])
    }

    /// A rotation resumed before its create step was recorded (its process died after beginning
    /// it) journals the new attempt's start: the journal shows both attempts.
    @Test(arguments: StoreKind.allCases) func aResumedCreateIsJournalledAsANewAttempt(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let done = try await scenario.driver.run(try await scenario.begin())
        #expect(done.state == .done)
        let starts = try await scenario.storedRows(
            "SELECT step FROM rotation_steps WHERE rotation_id = '\(done.id)' AND phase = 'started' AND step = 'create' ORDER BY seq")
        #expect(starts.count == 2)
    }
}
