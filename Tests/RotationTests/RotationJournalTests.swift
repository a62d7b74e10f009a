import Testing
import GRDB
import KeyStore
import KeyctlTestSupport
@testable import Rotation

@Suite struct RotationJournalTests {
    /// Each step's start is journalled by the transaction that recorded the step before it, so
    /// folding the transactions must neither drop a start nor journal one twice.
    @Test func everyStepStartIsJournalledOnceInOrderBeforeItsOutsideCall() async throws {
        let scenario = try await RotationScenario()
        let done = try await scenario.driver.run(try await scenario.begin())
        #expect(done.state == .done)
        let database = try DatabaseQueue(path: scenario.test.path)
        let starts = try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT step, target FROM rotation_steps WHERE rotation_id = ? AND phase = 'started' ORDER BY seq",
                arguments: [done.id]
            ).map { row -> String in
                let step: String = row[0], target: String? = row[1]
                return target.map { "\(step) \($0)" } ?? step
            }
        }
        #expect(starts == ["create", "deploy app-env", "deploy app-vault", "verify fake-verifier"])
    }
}
