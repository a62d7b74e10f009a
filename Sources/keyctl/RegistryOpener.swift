import Foundation
import KeyStore
import PostgresStore
import SQLiteStore

/// Opens or creates the registry at a location: a SQLite file, or a PostgreSQL server.
struct RegistryOpener {
    let context: CommandContext
    let busyTimeout: TimeInterval

    /// What `create` did, and how to name the registry in messages (a URL without its password).
    struct Preparation {
        let store: any RegistryStore
        let outcome: RegistryPreparation
        let displayName: String
    }

    /// Opens the existing registry at `location`.
    func open(_ location: String) async throws -> any RegistryStore {
        guard RegistryLocation.isPostgres(location) else {
            return try SQLiteKeyRegistry.open(at: location, clock: context.clock, busyTimeout: busyTimeout)
        }
        let settings = try await reachableServer(location)
        return try await PostgresKeyRegistry.open(
            configuration: settings.configuration, displayName: settings.displayName, clock: context.clock, busyTimeout: busyTimeout)
    }

    /// Creates the registry at `location`, or migrates it to this keyctl's schema.
    func create(_ location: String) async throws -> Preparation {
        guard RegistryLocation.isPostgres(location) else {
            let (store, outcome) = try SQLiteKeyRegistry.create(at: location, clock: context.clock, busyTimeout: busyTimeout)
            return Preparation(store: store, outcome: outcome, displayName: location)
        }
        let settings = try await reachableServer(location)
        let (store, outcome) = try await PostgresKeyRegistry.create(
            configuration: settings.configuration, displayName: settings.displayName, clock: context.clock, busyTimeout: busyTimeout)
        return Preparation(store: store, outcome: outcome, displayName: settings.displayName)
    }

    /// How messages name the registry at `location`: its path, or its URL without the password.
    func displayName(of location: String) throws -> String {
        guard RegistryLocation.isPostgres(location) else { return location }
        return try settings(location).displayName
    }

    private func settings(_ location: String) throws -> PostgresConnectionSettings {
        try PostgresConnectionSettings(
            url: location, environment: context.environment, homeDirectory: context.environment["HOME"] ?? NSHomeDirectory())
    }

    /// The server's settings once one connection to it succeeded: a server that cannot be reached
    /// or refuses the credentials fails at once (exit 69) instead of after the pool's retries.
    private func reachableServer(_ location: String) async throws -> PostgresConnectionSettings {
        let settings = try settings(location)
        try await settings.checkConnection()
        return settings
    }
}
