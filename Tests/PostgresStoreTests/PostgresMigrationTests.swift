import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresStore
import Testing

@Suite struct PostgresMigrationTests {
    @Test func createAppliesEverySchemaOnceThenIsUpToDate() async throws {
        let database = try PostgresTestDatabase()
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let (first, created) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        await first.close()
        let (second, again) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        await second.close()
        let reopened = try await PostgresKeyRegistry.open(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        await reopened.close()

        #expect(created == .created)
        #expect(again == .upToDate)
        #expect(try database.rows("SELECT identifier FROM keyctl_schema_migrations") == [["0001_registry"]])
    }

    @Test func severalProcessesMigratingAtOnceApplyEachMigrationOnce() async throws {
        let database = try PostgresTestDatabase()
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let outcomes = try await withThrowingTaskGroup(of: RegistryPreparation.self) { group in
            for _ in 0..<6 {
                group.addTask {
                    let (registry, preparation) = try await PostgresKeyRegistry.create(
                        configuration: database.configuration, displayName: database.displayName, clock: clock)
                    await registry.close()
                    return preparation
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(outcomes.filter { $0 == .created }.count == 1)
        #expect(outcomes.filter { $0 == .upToDate }.count == 5)
        #expect(try database.rows("SELECT count(*)::text FROM keyctl_schema_migrations") == [["1"]])
    }

    @Test func aDatabaseMigratedByANewerKeyctlIsRefusedAndLeftUntouched() async throws {
        let database = try PostgresTestDatabase()
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        await registry.close()
        try database.execute("INSERT INTO keyctl_schema_migrations VALUES ('9999_future', 0)")
        let before = try database.rows("SELECT identifier FROM keyctl_schema_migrations ORDER BY 1")

        let createError = await #expect(throws: KeyStoreError.self) {
            _ = try await PostgresKeyRegistry.create(
                configuration: database.configuration, displayName: database.displayName, clock: clock)
        }
        let openError = await #expect(throws: KeyStoreError.self) {
            _ = try await PostgresKeyRegistry.open(
                configuration: database.configuration, displayName: database.displayName, clock: clock)
        }

        #expect(createError?.category == .schemaMismatch)
        #expect(createError?.message.contains("newer keyctl") == true)
        #expect(openError?.category == .schemaMismatch)
        #expect(try database.rows("SELECT identifier FROM keyctl_schema_migrations ORDER BY 1") == before)
    }

    @Test func openRefusesADatabaseWithoutARegistry() async throws {
        let database = try PostgresTestDatabase()
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await PostgresKeyRegistry.open(
                configuration: database.configuration, displayName: database.displayName, clock: ManualClock("2026-11-29T12:00:00Z"))
        }
        #expect(error?.category == .registryMissing)
        #expect(error?.message.contains(database.displayName) == true)
    }
}
