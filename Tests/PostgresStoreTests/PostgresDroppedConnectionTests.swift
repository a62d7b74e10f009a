import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresStore
import Synchronization
import Testing

/// The server ends the registry's connections at random moments (`pg_terminate_backend`) while
/// a stream of operations runs: each one either succeeds or fails at once with `unavailable` (or
/// `busy`), naming the registry and never its password; none waits forever.
@Suite struct PostgresDroppedConnectionTests {
    @Test(.timeLimit(.minutes(5))) func connectionsKilledAtRandomMomentsFailOperationsAtOnceAndNeverHangThem() async throws {
        let database = try PostgresTestDatabase()
        let password = "pw-never-shown-4f1c"
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration(username: database.configuration.username, password: password),
            displayName: database.displayName, clock: ManualClock("2026-11-29T12:00:00Z"), busyTimeout: 1)
        let killer = BackendKiller(database)
        killer.start()

        var succeeded = 0
        var failures: [KeyStoreError] = []
        var hung: [String] = []
        for index in 0..<120 {
            let name = "key-\(index % 12)"
            let operation: @Sendable () async throws -> Void = {
                switch index % 4 {
                case 0: _ = try await registry.addKey(try draft("\(name)-\(index)"), secret: nil, actor: "alice")
                case 1: try await registry.forEachKey(matching: KeyFilter()) { _ in }
                case 2: _ = try await registry.verifyAuditChain()
                default: _ = try await registry.identify(try Secret(reading: "not-a-key-\(index)").fingerprint)
                }
            }
            // Generous for a loaded CI machine: a hang is forever, not 30 s.
            switch await outcome(of: operation, within: 30) {
            case nil: hung.append("operation \(index)")
            case .success: succeeded += 1
            case .failure(let error as KeyStoreError): failures.append(error)
            case .failure(let error): Issue.record("operation \(index) threw \(error)")
            }
        }
        killer.stop()
        await registry.close()

        #expect(hung.isEmpty, "waited more than 5 s: \(hung)")
        #expect(killer.killed > 0, "no connection was ended")
        #expect(failures.contains { $0.category == .unavailable }, "no operation met a dropped connection")
        #expect(succeeded > 0)
        for error in failures {
            #expect([.unavailable, .busy].contains(error.category), "\(error.category): \(error.message)")
            #expect(error.message.contains(database.displayName), "\(error.message)")
            #expect(!error.message.contains(password))
        }
    }
}

/// The outcome of `operation`, or nil when it has not ended within `seconds`. The operation runs
/// in a task of its own, so that one that never resumes cannot hold the test.
private func outcome(
    of operation: @escaping @Sendable () async throws -> Void, within seconds: Double
) async -> Result<Void, any Error>? {
    let once = Mutex<CheckedContinuation<Result<Void, any Error>?, Never>?>(nil)
    return await withCheckedContinuation { continuation in
        once.withLock { $0 = continuation }
        let finish: @Sendable (Result<Void, any Error>?) -> Void = { result in
            once.withLock { pending in
                pending?.resume(returning: result)
                pending = nil
            }
        }
        Task {
            do { try await operation(); finish(.success(())) } catch { finish(.failure(error)) }
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            finish(nil)
        }
    }
}

/// Ends every other connection to the test database every few milliseconds, from a thread of its
/// own (the test database's helper blocks).
private final class BackendKiller: Sendable {
    private let database: PostgresTestDatabase
    private let state = Mutex((running: true, killed: 0))

    init(_ database: PostgresTestDatabase) { self.database = database }

    var killed: Int { state.withLock { $0.killed } }

    func start() {
        Thread.detachNewThread { [self] in
            var generator = SystemRandomNumberGenerator()
            while state.withLock({ $0.running }) {
                usleep(UInt32.random(in: 2_000...40_000, using: &generator))
                let ended = (try? database.rows(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )).flatMap { $0.first?.first ?? nil }.flatMap { Int($0) } ?? 0
                state.withLock { $0.killed += ended }
            }
        }
    }

    func stop() { state.withLock { $0.running = false } }
}
