import Foundation
import KeyStore
import Logging
import KeyctlTestSupport
import PostgresNIO
import Testing

@testable import PostgresStore

@Suite struct PostgresConcurrencyTests {
    let clock = ManualClock("2026-11-29T12:00:00Z")

    @Test func concurrentWritersOnSeveralClientsNeverForkTheAuditChain() async throws {
        let database = try PostgresTestDatabase()
        var clients: [PostgresKeyRegistry] = []
        for _ in 0..<4 { clients.append(try await database.client(clock: clock, busyTimeout: 120)) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    for round in 0..<15 {
                        let name = "client\(index)-key\(round)"
                        _ = try await client.addKey(try draft(name), secret: nil, actor: "writer\(index)")
                        _ = try await client.markCompromised(
                            name: KeyName(name)!, env: EnvironmentName("prod")!, reason: "drill", actor: "writer\(index)")
                    }
                }
            }
            try await group.waitForAll()
        }

        let verdict = try await clients[0].verifyAuditChain()
        let head = try await clients[1].auditHead()
        #expect(verdict == .intact(events: 120, headHash: head.hash))
        #expect(try database.rows("SELECT (max(seq) = count(*) AND min(seq) = 1)::text FROM audit_events") == [["true"]])
        for client in clients { await client.close() }
    }

    @Test func aWriterWaitingForTheWriteLockLongerThanTheBusyTimeoutIsBusyAndWritesNothing() async throws {
        let database = try PostgresTestDatabase()
        let registry = try await database.client(clock: clock, busyTimeout: 0.2)
        let connection = try await PostgresConnection.connect(
            configuration: database.configuration, id: 1, logger: Logger(label: "keyctl.tests.holder"))
        _ = try await connection.query("BEGIN", logger: connection.logger)
        for try await _ in try await connection.query(
            "SELECT pg_advisory_xact_lock(\(PostgresKeyRegistry.writeLock))", logger: connection.logger) {}
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await registry.addKey(try draft("blocked"), secret: nil, actor: "cron")
        }
        _ = try await connection.query("ROLLBACK", logger: connection.logger)
        try await connection.close()

        #expect(error?.category == .busy, "\(error?.message ?? "")")
        #expect(try database.count("keys") == 0)
        _ = try await registry.addKey(try draft("later"), secret: nil, actor: "cron")
        #expect(try database.count("keys") == 1)
        await registry.close()
    }

    @Test func reportReadsOneSnapshotWhileAnotherClientWrites() async throws {
        let database = try PostgresTestDatabase()
        let registry = try await database.client(clock: clock)
        var entries = GeneratedEntries(total: 2_000)
        _ = try await registry.importKeys(source: "keys.csv", actor: "test") { try entries.next() }

        var seen = 0
        var lastStatus: KeyStatus?
        try await registry.forEachReportCandidate(env: nil, policies: PolicyTable(), asOf: clock.now(), includeUnflagged: true) { key in
            if seen == 0 {
                // Another client commits while the report is reading: a new key, and the last
                // key of the report retired. Neither may show in this report.
                try database.execute(
                    "INSERT INTO keys (id, name, env, scopes, created_at) VALUES ('late', 'zzz-late', 'prod', 'orders:write', 0)")
                try database.execute("UPDATE keys SET status = 'retired' WHERE name = 'key-001999'")
            }
            seen += 1
            lastStatus = key.status
        }

        #expect(seen == 2_000)
        #expect(lastStatus == .active)
        #expect(try database.count("keys WHERE status = 'retired'") == 1)
        await registry.close()
    }

    @Test func aConnectionKilledMidTransactionIsUnavailableAndWritesNothing() async throws {
        let database = try PostgresTestDatabase()
        let registry = try await database.client(clock: clock)
        var entries = GeneratedEntries(total: 5_000)

        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await registry.importKeys(source: "keys.csv", actor: "test") {
                if entries.produced == 2_500 {
                    // The first two batches are written in the open transaction: end the connection.
                    try database.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
                }
                return try entries.next()
            }
        }

        #expect(error?.category == .unavailable)
        #expect(error?.message.contains(database.displayName) == true)
        #expect(try database.count("keys") == 0)
        #expect(try database.count("audit_events") == 0)
        // The next command opens a new connection.
        _ = try await registry.addKey(try draft("after"), secret: nil, actor: "test")
        #expect(try await registry.verifyAuditChain() == .intact(events: 1, headHash: try await registry.auditHead().hash))
        await registry.close()
    }

    @Test func aHundredThousandKeysImportAsTheyAreReadInOneTransaction() async throws {
        let database = try PostgresTestDatabase()
        let registry = try await database.client(clock: clock)
        var entries = GeneratedEntries(total: 100_000)
        var heapBytesMidway = 0

        let started = ContinuousClock.now
        let count = try await registry.importKeys(source: "keys.csv", actor: "test") {
            if entries.produced == 60_000 {
                // Rows not committed yet already fill the table's pages: they were sent as read.
                heapBytesMidway = Int(try database.rows("SELECT pg_relation_size('keys')::text").first?.first.flatMap { $0 } ?? "") ?? 0
                #expect(try database.count("keys") == 0)
            }
            return try entries.next()
        }
        let elapsed = ContinuousClock.now - started
        print("imported 100000 keys into PostgreSQL in \(elapsed)")

        #expect(count == 100_000)
        #expect(heapBytesMidway > 1_000_000)
        #expect(try database.count("keys") == 100_000)
        #expect(try database.count("audit_events WHERE action = 'key.import'") == 1)
        await registry.close()
    }

    @Test func anImportRepeatingAKeyNamesItsFirstRepetitionAcrossBatches() async throws {
        let database = try PostgresTestDatabase()
        let registry = try await database.client(clock: clock)
        var entries = GeneratedEntries(total: 1_500)
        let repeated = ImportEntry(draft: try draft("key-000010"), location: "keys.csv:1700")

        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await registry.importKeys(source: "keys.csv", actor: "test") {
                if let entry = try entries.next() { return entry }
                if entries.produced == 1_500 { entries = GeneratedEntries(total: 0); return repeated }
                return nil
            }
        }

        #expect(error?.category == .conflict)
        #expect(error?.message.hasPrefix("keys.csv:1700: key 'key-000010'") == true)
        #expect(try database.count("keys") == 0)
        await registry.close()
    }
}
