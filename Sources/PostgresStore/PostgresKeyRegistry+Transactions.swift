import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry {
    /// The transaction-level advisory lock every write transaction takes before it reads anything:
    /// writers run one at a time, as SQLite's IMMEDIATE transactions do, so the audit chain's head
    /// read by one is never the head another is appending to.
    static let writeLock: Int64 = 0x6B65_7963_746C_0002

    /// Runs `work` on one connection of the pool, turning every error into a `KeyStoreError`.
    func perform<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws(KeyStoreError) -> T {
        do {
            return try await client.withConnection { connection in try await work(connection) }
        } catch {
            throw PostgresErrorMapping.map(error, displayName: displayName, username: username)
        }
    }

    /// Runs `work` in one write transaction stamped with one instant from the clock: it holds the
    /// write lock (waiting at most `busyTimeout`, else `busy`), and commits only if `work` returns.
    /// Audit events are appended inside it with `PostgresAuditLog.append`.
    func write<T: Sendable>(_ work: (PostgresConnection, Date) async throws -> T) async throws(KeyStoreError) -> T {
        let now = clock.now()
        let timeout = "\(Int64((busyTimeout * 1000).rounded()))ms"
        return try await perform { connection in
            try await connection.transaction(begin: "BEGIN ISOLATION LEVEL READ COMMITTED") {
                // lock_timeout 0 would wait forever: a zero busy timeout waits 1 ms.
                try await connection.run(PostgresQuery(unsafeSQL: "SET LOCAL lock_timeout = '\(timeout == "0ms" ? "1ms" : timeout)'"))
                try await connection.run("SELECT pg_advisory_xact_lock(\(Self.writeLock))")
                return try await work(connection, now)
            }
        }
    }

    /// Runs `work` in one read-only snapshot: every query in it sees the registry as it was when
    /// the first one ran, whatever other clients commit meanwhile.
    func read<T: Sendable>(_ work: (PostgresConnection) async throws -> T) async throws(KeyStoreError) -> T {
        try await perform { connection in
            try await connection.transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") {
                try await work(connection)
            }
        }
    }
}

extension PostgresConnection {
    /// Runs `query` to its end, dropping any row it returns. Its rows are read even so: an error
    /// raised while the statement runs (a lock timeout) arrives after its first rows would.
    func run(_ query: PostgresQuery) async throws {
        for try await _ in try await stream(query) {}
    }

    /// The rows of `query` as the server sends them. Read it to its end: an error raised while the
    /// statement runs arrives in the sequence.
    func stream(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        // A query sent on a connection the server ended would wait forever for its answer.
        guard !isClosed else { throw ConnectionDropped() }
        return try await self.query(query, logger: logger)
    }

    /// The first row of `query` (which selects at most one), or nil.
    func first(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        var found: PostgresRandomAccessRow?
        for try await row in try await stream(query) where found == nil { found = row.makeRandomAccess() }
        return found
    }

    /// Every row of `query`: only for queries that select a few rows.
    func all(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await stream(query) { rows.append(row.makeRandomAccess()) }
        return rows
    }

    /// Runs `work` between `begin` and COMMIT; rolls back when it throws.
    func transaction<T>(begin: PostgresQuery, _ work: () async throws -> T) async throws -> T {
        try await run(begin)
        do {
            let value = try await work()
            try await run("COMMIT")
            return value
        } catch {
            // Not read to its end: on a connection that dropped, the stream would never end.
            if !isClosed { _ = try? await stream("ROLLBACK") }
            throw error
        }
    }
}

/// The server ended the connection (it was killed, or the server restarted) before a statement
/// could be sent on it: the transaction in flight rolled back.
struct ConnectionDropped: Error {}
