import KeyStore
import GRDB

/// Applies the migrations embedded in the binary, each in its own transaction, recorded by
/// GRDB in `grdb_migrations`.
enum RegistryMigrator {
    static func make() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in EmbeddedMigrations.all {
            migrator.registerMigration(migration.identifier) { db in try db.execute(sql: migration.sql) }
        }
        return migrator
    }

    /// Throws `schemaMismatch` when the registry holds migrations this binary does not know.
    static func refuseIfNewer(_ migrator: DatabaseMigrator, _ db: Database, path: String) throws {
        if try migrator.hasBeenSuperseded(db) {
            throw KeyStoreError(
                .schemaMismatch,
                "the registry at \(path) was written by a newer keyctl; upgrade keyctl (it was not modified)")
        }
    }
}
