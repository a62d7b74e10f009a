import Foundation
import KeyStore
import PostgresNIO

/// Applies the migrations embedded in the binary (`Migrations/postgres/`), all in one transaction
/// under a transaction-level advisory lock, recording each in `keyctl_schema_migrations`: two
/// processes migrating at once apply each migration once, and a failure leaves nothing applied.
enum PostgresMigrator {
    /// The advisory lock migrations hold; transaction-level, so it is safe behind PgBouncer.
    static let lock: Int64 = 0x6B65_7963_746C_0001

    /// Migrates the database to this binary's schema. Returns the identifiers recorded before, and
    /// those applied now. Throws `schemaMismatch` (the database untouched) when it holds a
    /// migration this binary does not know.
    static func migrate(
        _ connection: PostgresConnection, at now: Date, displayName: String
    ) async throws -> (before: [String], applied: [String]) {
        try await connection.transaction(begin: "BEGIN") {
            try await connection.run("SELECT pg_advisory_xact_lock(\(lock))")
            try await connection.run(
                "CREATE TABLE IF NOT EXISTS keyctl_schema_migrations (identifier text PRIMARY KEY NOT NULL, applied_at bigint NOT NULL)")
            let before = try await appliedIdentifiers(connection)
            try refuseIfNewer(before, displayName: displayName)
            var applied: [String] = []
            for migration in EmbeddedMigrations.all where !before.contains(migration.identifier) {
                for statement in SQLScript.statements(of: migration.sql) {
                    try await connection.run(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.run(
                    "INSERT INTO keyctl_schema_migrations (identifier, applied_at) VALUES (\(migration.identifier), \(Timestamp.epochSeconds(now)))")
                applied.append(migration.identifier)
            }
            return (before, applied)
        }
    }

    /// Throws unless the database holds exactly this binary's migrations: `registryMissing` when
    /// it holds none, `schemaMismatch` when some are pending or unknown.
    static func refuseUnlessCurrent(_ connection: PostgresConnection, displayName: String) async throws {
        let exists = try await connection.first("SELECT to_regclass('keyctl_schema_migrations') IS NOT NULL")
        let applied = try exists?[0].decode(Bool.self) == true ? try await appliedIdentifiers(connection) : []
        guard !applied.isEmpty else {
            throw KeyStoreError(.registryMissing, "no registry in \(displayName); create it with `keyctl init`")
        }
        try refuseIfNewer(applied, displayName: displayName)
        guard EmbeddedMigrations.all.allSatisfy({ applied.contains($0.identifier) }) else {
            throw KeyStoreError(
                .schemaMismatch, "the registry in \(displayName) needs a schema upgrade; run `keyctl init` to apply it")
        }
    }

    private static func appliedIdentifiers(_ connection: PostgresConnection) async throws -> [String] {
        try await connection.all("SELECT identifier FROM keyctl_schema_migrations ORDER BY identifier").map { row in
            try row[0].decode(String.self)
        }
    }

    private static func refuseIfNewer(_ applied: [String], displayName: String) throws {
        let known = Set(EmbeddedMigrations.all.map(\.identifier))
        if applied.contains(where: { !known.contains($0) }) {
            throw KeyStoreError(
                .schemaMismatch, "the registry in \(displayName) was written by a newer keyctl; upgrade keyctl (it was not modified)")
        }
    }
}

/// The statements of a migration file, which PostgreSQL's extended protocol runs one at a time:
/// split at each `;` outside quotes, `--` comments dropped.
enum SQLScript {
    static func statements(of script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var inQuote = false
        var inComment = false
        var previous: Character?
        for character in script {
            if inComment {
                if character == "\n" { inComment = false; current.append(character) }
            } else if inQuote {
                current.append(character)
                if character == "'" { inQuote = false }
            } else if character == "-" && previous == "-" {
                current.removeLast()
                inComment = true
            } else if character == "'" {
                inQuote = true
                current.append(character)
            } else if character == ";" {
                statements.append(current)
                current = ""
            } else {
                current.append(character)
            }
            previous = inComment ? nil : character
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
