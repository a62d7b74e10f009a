import Foundation
import KeyStore
import PostgresStore
import SQLiteStore

/// Which store a shared store test runs against: `@Test(arguments: StoreKind.allCases)`.
public enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    /// A registry file in a temporary folder.
    case sqlite
    /// A fresh database on the server `KEYCTL_TEST_POSTGRES_URL` names (see `PostgresTestDatabase`).
    case postgres

    public var description: String { rawValue }
}

/// A real registry, SQLite or PostgreSQL, with a manual clock and a temporary folder.
public struct TestRegistry: Sendable {
    public let store: StoreKind
    public let folder: TemporaryFolder
    public let registry: any RegistryStore
    public let clock: ManualClock
    /// The PostgreSQL database, dropped when the last copy of this value goes; nil on SQLite.
    public let postgres: PostgresTestDatabase?
    private let sqliteRegistry: SQLiteKeyRegistry?

    /// The SQLite registry, for the tests that work on its file. Only on `.sqlite`.
    public var sqlite: SQLiteKeyRegistry {
        guard let sqliteRegistry else { preconditionFailure("this test needs a SQLite registry; it was made with \(store)") }
        return sqliteRegistry
    }

    /// The SQLite registry's file. Only on `.sqlite`.
    public var path: String { sqlite.path }

    init(
        store: StoreKind, folder: TemporaryFolder, registry: any RegistryStore, clock: ManualClock,
        postgres: PostgresTestDatabase? = nil, sqlite: SQLiteKeyRegistry? = nil
    ) {
        self.store = store
        self.folder = folder
        self.registry = registry
        self.clock = clock
        self.postgres = postgres
        self.sqliteRegistry = sqlite
    }
}

/// Creates a SQLite registry file in a fresh temporary folder; the clock starts at `now`.
public func makeTestRegistry(now: String = "2026-11-29T12:00:00Z") throws -> TestRegistry {
    let folder = TemporaryFolder()
    let clock = ManualClock(now)
    let (registry, _) = try SQLiteKeyRegistry.create(at: folder.file("registry/registry.db"), clock: clock, busyTimeout: 0.2)
    return TestRegistry(store: .sqlite, folder: folder, registry: registry, clock: clock, sqlite: registry)
}

/// Creates a registry of the kind `store`, empty and migrated; the clock starts at `now`. On
/// PostgreSQL the database is fresh, and rotation leases are compared with the manual clock.
public func makeTestRegistry(_ store: StoreKind, now: String = "2026-11-29T12:00:00Z") async throws -> TestRegistry {
    switch store {
    case .sqlite:
        return try makeTestRegistry(now: now)
    case .postgres:
        let database = try PostgresTestDatabase()
        let clock = ManualClock(now)
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock, leaseClock: clock,
            busyTimeout: 0.2)
        return TestRegistry(store: .postgres, folder: TemporaryFolder(), registry: registry, clock: clock, postgres: database)
    }
}

/// A draft for tests: names and scopes given as text, checked here.
public func draft(
    _ name: String, env: String = "prod", scopes: String = "orders:write", owner: String? = nil,
    created: String? = nil, rotated: String? = nil, maxAge: String? = nil
) throws -> KeyDraft {
    KeyDraft(
        name: KeyName(name)!, env: EnvironmentName(env)!, scopes: try ScopeSet(parsing: scopes), owner: owner,
        createdAt: created.flatMap(Timestamp.parse), rotatedAt: rotated.flatMap(Timestamp.parse), maxAge: maxAge.flatMap(TimeSpan.init))
}
