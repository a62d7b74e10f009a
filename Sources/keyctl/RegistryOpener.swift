import Foundation
import KeyStore
import SQLiteStore

/// Opens or creates the registry at a location: a SQLite file, or a PostgreSQL server.
struct RegistryOpener {
    let context: CommandContext
    let busyTimeout: TimeInterval

    /// Opens the existing registry at `location`.
    func open(_ location: String) async throws -> any RegistryStore {
        if RegistryLocation.isPostgres(location) { throw Self.postgresUnsupported }
        return try SQLiteKeyRegistry.open(at: location, clock: context.clock, busyTimeout: busyTimeout)
    }

    /// Creates the registry at `location`, or migrates it to this keyctl's schema, and says which.
    func create(_ location: String) async throws -> (any RegistryStore, SQLiteKeyRegistry.Preparation) {
        if RegistryLocation.isPostgres(location) { throw Self.postgresUnsupported }
        return try SQLiteKeyRegistry.create(at: location, clock: context.clock, busyTimeout: busyTimeout)
    }

    private static let postgresUnsupported = CommandFailure(
        .failed, "PostgreSQL registries are not supported by this keyctl yet; use a SQLite file path for --db or KEYCTL_DB")
}
