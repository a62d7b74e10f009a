import Foundation
import KeyStore
import GRDB

/// The embedded registry: one SQLite file in WAL mode, shared safely by several processes
/// (a human and a cron job) through SQLite's locking and a busy timeout.
///
/// The file is created 0600 inside a 0700 folder. Every change runs in one IMMEDIATE
/// transaction together with its audit event.
public final class SQLiteKeyRegistry: RegistryStore {
    public let path: String
    let database: DatabaseQueue
    let clock: any WallClock

    private init(path: String, database: DatabaseQueue, clock: any WallClock) {
        self.path = path
        self.database = database
        self.clock = clock
    }

    /// Creates the registry at `path`, or migrates it to this binary's schema. Idempotent.
    /// `busyTimeout` is in seconds, from 0 to `maximumBusyTimeout` (else `invalidInput`).
    ///
    /// Throws `schemaMismatch` when the registry was written by a newer keyctl (it is not
    /// touched), `registryUnreadable` when the file is not a SQLite database or is empty (an
    /// existing zero-length file is never taken for a new registry).
    public static func create(
        at path: String, clock: any WallClock = SystemClock(), busyTimeout: TimeInterval = 5
    ) throws(KeyStoreError) -> (SQLiteKeyRegistry, RegistryPreparation) {
        try checkBusyTimeout(busyTimeout)
        let existed = FileManager.default.fileExists(atPath: path)
        if existed { try RegistryFile.refuseIfEmpty(path: path) }
        try RegistryFile.prepare(path: path)
        let registry = try connect(path: path, clock: clock, busyTimeout: busyTimeout)
        let applied: [String] = try registry.perform {
            let migrator = RegistryMigrator.make()
            try registry.readSnapshot { db in try RegistryMigrator.refuseIfNewer(migrator, db, path: path) }
            let before = try registry.readSnapshot { db in try migrator.appliedIdentifiers(db) }
            try registry.database.writeWithoutTransaction { db in _ = try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try migrator.migrate(registry.database)
            return EmbeddedMigrations.all.map(\.identifier).filter { !before.contains($0) }
        }
        if !existed { return (registry, .created) }
        return (registry, applied.isEmpty ? .upToDate : .migrated(applied))
    }

    /// Opens an existing registry that is at this binary's schema; `busyTimeout` as for `create`.
    ///
    /// Throws `registryMissing` (run `keyctl init`), `schemaMismatch` when the registry needs
    /// `keyctl init` or was written by a newer keyctl, `registryUnreadable` for a corrupt or empty file.
    public static func open(
        at path: String, clock: any WallClock = SystemClock(), busyTimeout: TimeInterval = 5
    ) throws(KeyStoreError) -> SQLiteKeyRegistry {
        try checkBusyTimeout(busyTimeout)
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeyStoreError(.registryMissing, "no registry at \(path); create it with `keyctl init`")
        }
        try RegistryFile.refuseIfEmpty(path: path)
        let registry = try connect(path: path, clock: clock, busyTimeout: busyTimeout)
        try registry.perform {
            try registry.readSnapshot { db in
                let migrator = RegistryMigrator.make()
                try RegistryMigrator.refuseIfNewer(migrator, db, path: path)
                guard try migrator.hasCompletedMigrations(db) else {
                    throw KeyStoreError(
                        .schemaMismatch, "the registry at \(path) needs a schema upgrade; run `keyctl init` to apply it")
                }
            }
        }
        return registry
    }

    /// Closes the database connection. Safe to call when another process uses the registry.
    public func close() async {
        try? database.close()
    }

    /// The longest busy timeout, in seconds, `create` and `open` accept: an hour.
    public static let maximumBusyTimeout: TimeInterval = 3_600

    private static func checkBusyTimeout(_ busyTimeout: TimeInterval) throws(KeyStoreError) {
        guard (0...maximumBusyTimeout).contains(busyTimeout) else {
            throw KeyStoreError(.invalidInput, "the busy timeout must be from 0 to \(Int(maximumBusyTimeout)) seconds")
        }
    }

    private static func connect(path: String, clock: any WallClock, busyTimeout: TimeInterval) throws(KeyStoreError) -> SQLiteKeyRegistry {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "keyctl"
        // In WAL mode, NORMAL syncs at checkpoints rather than at every commit: a killed process
        // loses nothing committed, a power cut may lose the last commits but never corrupts.
        // Every rotation step is idempotent, so a step lost that way is simply done again.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            let database = try DatabaseQueue(path: path, configuration: configuration)
            return SQLiteKeyRegistry(path: path, database: database, clock: clock)
        } catch {
            throw RegistryErrorMapping.map(error, path: path)
        }
    }

    /// Runs `work`, turning SQLite's errors into `KeyStoreError`s that say what to do.
    func perform<T>(_ work: () throws -> T) throws(KeyStoreError) -> T {
        do {
            return try work()
        } catch {
            throw RegistryErrorMapping.map(error, path: path)
        }
    }

    /// Runs `work` in one read transaction: a consistent snapshot of the registry.
    ///
    /// Not GRDB's `read`, which turns `PRAGMA query_only` on and off around the transaction:
    /// SQLite expires every prepared statement when a flag pragma changes, so each read made
    /// every cached statement compile again at its next use (a third of a rotation's CPU).
    /// The transaction is rolled back, so a read never leaves a change behind.
    func readSnapshot<T>(_ work: (Database) throws -> T) throws -> T {
        try database.writeWithoutTransaction { db in
            try db.beginTransaction(.deferred)
            defer { try? db.rollback() }
            return try work(db)
        }
    }

    /// Like `write`, but suspends instead of blocking a thread while another task holds the
    /// database: rotations of many keys at once share the registry without starving Swift's pool.
    func writeSuspending<T: Sendable>(_ work: @escaping @Sendable (Database, Date) throws -> T) async throws(KeyStoreError) -> T {
        let now = clock.now()
        do {
            return try await database.write { db in try work(db, now) }
        } catch {
            throw RegistryErrorMapping.map(error, path: path)
        }
    }

    /// Runs `work` in one write transaction stamped with one instant from the clock.
    func write<T>(_ work: (Database, Date) throws -> T) throws(KeyStoreError) -> T {
        let now = clock.now()
        return try perform { try database.write { db in try work(db, now) } }
    }
}
