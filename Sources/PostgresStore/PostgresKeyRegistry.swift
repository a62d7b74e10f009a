import Foundation
import KeyStore
import PostgresNIO

/// The shared registry: a PostgreSQL database that operators, cron hosts and CI runners on several
/// machines use at once, with the behaviour of `SQLiteKeyRegistry`.
///
/// Every change runs in one transaction together with its audit event. Write transactions are
/// serialised by one transaction-level advisory lock (safe behind a pooler in transaction mode),
/// taken before anything is read, so that concurrent writers never fork the audit chain and every
/// check-then-write sees the rows committed before it. Reads that walk many rows (`report`,
/// `list`, `audit`) run in one read-only REPEATABLE READ snapshot and stream their rows.
///
/// Timestamps are stamped from the injected `WallClock`. A rotation lease is compared with
/// `leaseClock` when one is given (tests bind their manual clock), otherwise with the database's
/// clock, so that hosts with skewed clocks agree on when a lease expires.
public final class PostgresKeyRegistry: Sendable {
    /// The database's URL without its password, used in every message.
    public let displayName: String
    let client: PostgresClient
    let clock: any WallClock
    /// The clock a rotation lease is compared with; nil: the database's clock.
    let leaseClock: (any WallClock)?
    let username: String
    /// How long a writer waits for another one to finish before `busy`.
    let busyTimeout: TimeInterval
    private let runTask: Task<Void, Never>
    private let connectionFailures: ConnectionFailures

    private init(
        configuration: PostgresClient.Configuration, displayName: String, clock: any WallClock,
        leaseClock: (any WallClock)?, busyTimeout: TimeInterval
    ) {
        let connectionFailures = ConnectionFailures()
        let client = PostgresClient(configuration: configuration, backgroundLogger: connectionFailures.logger)
        self.client = client
        self.connectionFailures = connectionFailures
        self.displayName = displayName
        self.clock = clock
        self.leaseClock = leaseClock
        self.username = configuration.username
        self.busyTimeout = busyTimeout
        self.runTask = Task { await client.run() }
    }

    /// Creates the registry's tables in the database, or migrates them to this binary's schema,
    /// under a transaction-level lock so that several processes migrating at once are safe.
    /// Idempotent. `busyTimeout` is in seconds, from 0 to `maximumBusyTimeout` (else `invalidInput`).
    ///
    /// Throws `schemaMismatch` when the database was migrated by a newer keyctl (it is not
    /// touched), `unavailable` when the server cannot be reached or refuses the credentials.
    public static func create(
        configuration: PostgresClient.Configuration, displayName: String, clock: any WallClock = SystemClock(),
        leaseClock: (any WallClock)? = nil, busyTimeout: TimeInterval = 5
    ) async throws(KeyStoreError) -> (PostgresKeyRegistry, RegistryPreparation) {
        try checkBusyTimeout(busyTimeout)
        let registry = PostgresKeyRegistry(
            configuration: configuration, displayName: displayName, clock: clock, leaseClock: leaseClock,
            busyTimeout: busyTimeout)
        do {
            try await registry.connect()
            let now = clock.now()
            let outcome = try await registry.perform { connection in
                try await PostgresMigrator.migrate(connection, at: now, displayName: displayName)
            }
            if outcome.before.isEmpty { return (registry, .created) }
            return (registry, outcome.applied.isEmpty ? .upToDate : .migrated(outcome.applied))
        } catch {
            await registry.close()
            throw error
        }
    }

    /// Opens a registry that is at this binary's schema; arguments as for `create`.
    ///
    /// Throws `registryMissing` when the database holds no registry (run `keyctl init`),
    /// `schemaMismatch` when it needs `keyctl init` or was migrated by a newer keyctl,
    /// `unavailable` when the server cannot be reached.
    public static func open(
        configuration: PostgresClient.Configuration, displayName: String, clock: any WallClock = SystemClock(),
        leaseClock: (any WallClock)? = nil, busyTimeout: TimeInterval = 5
    ) async throws(KeyStoreError) -> PostgresKeyRegistry {
        try checkBusyTimeout(busyTimeout)
        let registry = PostgresKeyRegistry(
            configuration: configuration, displayName: displayName, clock: clock, leaseClock: leaseClock,
            busyTimeout: busyTimeout)
        do {
            try await registry.connect()
            try await registry.perform { connection in
                try await PostgresMigrator.refuseUnlessCurrent(connection, displayName: displayName)
            }
            return registry
        } catch {
            await registry.close()
            throw error
        }
    }

    /// Closes the registry's connections. Every call after it fails with `unavailable`.
    public func close() async {
        runTask.cancel()
        await runTask.value
    }

    /// Opens a first connection, failing as soon as an attempt fails: `unavailable` saying why
    /// (refused, authentication failed), where the pool alone would retry for a minute.
    private func connect() async throws(KeyStoreError) {
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.client.withConnection { _ in } }
                group.addTask {
                    let failure = try await self.connectionFailures.next()
                    throw PostgresErrorMapping.map(failure, displayName: self.displayName, username: self.username)
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw PostgresErrorMapping.map(error, displayName: displayName, username: username)
        }
    }

    /// The longest busy timeout, in seconds, `create` and `open` accept: an hour.
    public static let maximumBusyTimeout: TimeInterval = 3_600

    private static func checkBusyTimeout(_ busyTimeout: TimeInterval) throws(KeyStoreError) {
        guard (0...maximumBusyTimeout).contains(busyTimeout) else {
            throw KeyStoreError(.invalidInput, "the busy timeout must be from 0 to \(Int(maximumBusyTimeout)) seconds")
        }
    }
}

extension PostgresKeyRegistry: RegistryStore {}
