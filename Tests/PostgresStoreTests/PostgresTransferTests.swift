import Foundation
import KeyStore
import KeyctlTestSupport
import SQLiteStore
@testable import PostgresStore
import Testing

/// `keyctl migrate` through PostgreSQL: a SQLite registry copied to PostgreSQL and back reads
/// exactly as it did, row for row and through every command.
@Suite struct PostgresTransferTests {
    /// A SQLite registry built by the keyctl binary: keys, a finished rotation, a rotation failed at
    /// deploy (in flight, holding its sealed secret), grants, an offboarding, a compromise and the
    /// audit events of all of it, most of it stamped within the same second.
    private func sqliteRegistry(in folder: TemporaryFolder) throws -> [String: String] {
        let config = folder.write("keyctl.toml", """
            [rotation]
            issuer = "local"
            targets = ["app-env"]
            grace = "0s"

            [issuers.local]
            type = "local"

            [targets.app-env]
            type = "env-file"
            path = "\(folder.file("{name}.env"))"
            variable = "API_KEY"

            [targets.broken]
            type = "exec"
            command = ["sh", "-c", "cat > /dev/null; exit 3"]

            [keys.search]
            targets = ["app-env", "broken"]
            """)
        let environment = [
            "KEYCTL_DB": folder.file("source.db"), "KEYCTL_CONFIG": config, "KEYCTL_ACTOR": "tester", "HOME": folder.path,
            "XDG_CONFIG_HOME": folder.file("config"),
        ]
        func keyctl(_ arguments: String..., stdin: String = "", code: Int32 = 0) throws {
            let result = try KeyctlProcess.run(arguments, environment: environment, stdin: stdin)
            #expect(result.code == code, "\(arguments): \(result.stderr)")
        }
        try keyctl("init")
        _ = folder.write("search.env", "API_KEY=before\n")
        for name in ["checkout", "billing", "search"] {
            try keyctl("add", name, "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: "sk_\(name)_seed_0123456789")
        }
        try keyctl("add", "ledger", "--env", "staging", "--scopes", "*", "--owner", "team:money", "--label", "tier=1")
        try keyctl("rotate", "checkout", "--env", "prod", "--yes")
        try keyctl("rotate", "search", "--env", "prod", "--yes", code: 1)
        try keyctl("access", "grant", "checkout", "--env", "prod", "--to", "alice@example.com", "--reason", "on call")
        try keyctl("access", "grant", "billing", "--env", "prod", "--to", "bob@example.com")
        try keyctl("offboard", "bob@example.com", "--reason", "left")
        try keyctl("compromise", "ledger", "--env", "staging", "--reason", "INC-7")
        return environment
    }

    /// Every row of every table, in the store's order (rowid for SQLite): a few, for comparing.
    private func rows(of store: some RegistryTransfer) async throws -> [RegistryTransferTable: [[RegistryTransferValue]]] {
        try await store.readForTransfer { reader in
            var all: [RegistryTransferTable: [[RegistryTransferValue]]] = [:]
            for table in RegistryTransferTable.all {
                var rows: [[RegistryTransferValue]] = []
                try await reader.forEachBatch(of: table) { rows += $0 }
                all[table] = rows
            }
            return all
        }
    }

    @Test func aRegistryCopiedToPostgresAndBackReadsExactlyAsBefore() async throws {
        let folder = TemporaryFolder()
        let environment = try sqliteRegistry(in: folder)
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let source = try SQLiteKeyRegistry.open(at: folder.file("source.db"), clock: clock)
        let database = try PostgresTestDatabase(prefix: "migrate_test")
        let (postgres, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)

        let there = try await source.copyRegistry(to: postgres, names: ("source.db", database.displayName), actor: "tester", clock: clock)
        let (back, _) = try SQLiteKeyRegistry.create(at: folder.file("back.db"), clock: clock)
        let again = try await postgres.copyRegistry(to: back, names: (database.displayName, "back.db"), actor: "tester", clock: clock)

        // Every row arrives verbatim; the chain gains one registry.migrate per hop.
        let original = try await rows(of: source), inPostgres = try await rows(of: postgres), returned = try await rows(of: back)
        await postgres.close()
        #expect(there.rows.map(\.count) == RegistryTransferTable.all.map { Int64(original[$0]!.count) })
        #expect(there.rows.first { $0.table == .keys }?.count == 4 && (original[.rotations]?.count ?? 0) == 2)
        // Tables whose rows commands order by rowid among those stamped in the same second keep
        // their order through PostgreSQL's rowid; the others may come back in another order.
        func sorted(_ rows: [[RegistryTransferValue]]?) -> [String] { (rows ?? []).map { "\($0)" }.sorted() }
        for table in RegistryTransferTable.all where table != .auditEvents {
            #expect(sorted(returned[table]) == sorted(original[table]), "\(table)")
            #expect(sorted(inPostgres[table]) == sorted(original[table]), "\(table)")
        }
        for table in PostgresKeyRegistry.tablesWithRowid {
            #expect(returned[table]! == original[table]! && inPostgres[table]! == original[table]!, "\(table)")
        }
        let events = original[.auditEvents]!
        #expect(Array(inPostgres[.auditEvents]!.prefix(events.count)) == events)
        #expect(Array(returned[.auditEvents]!.prefix(events.count + 1)) == inPostgres[.auditEvents]!)
        #expect(returned[.auditEvents]!.count == events.count + 2)
        #expect(again.copiedHead == there.head)
        #expect(try await back.verifyAuditChain() == .intact(events: again.head.events, headHash: again.head.hash))
        #expect(original[.rotations]!.contains { $0.contains { if case .blob = $0 { true } else { false } } })

        // And every command reads the returned registry as it read the original.
        for arguments in [["list"], ["report", "--as-of", "2026-12-01T00:00:00Z"], ["rotations"], ["access", "list", "--history"], ["show", "search", "--env", "prod"]] {
            let before = try KeyctlProcess.run(arguments + ["--format", "json"], environment: environment)
            let after = try KeyctlProcess.run(arguments + ["--format", "json", "--db", folder.file("back.db")], environment: environment)
            #expect(after.stdout == before.stdout && after.code == before.code, "\(arguments)")
        }
    }

    @Test func aPostgresRegistryThatHoldsAnythingIsRefusedUntouched() async throws {
        let folder = TemporaryFolder()
        _ = try sqliteRegistry(in: folder)
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let source = try SQLiteKeyRegistry.open(at: folder.file("source.db"), clock: clock)
        let database = try PostgresTestDatabase(prefix: "migrate_test")
        let (postgres, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        _ = try await source.copyRegistry(to: postgres, names: ("source.db", database.displayName), actor: "tester", clock: clock)
        let before = try database.rows("SELECT count(*) FROM audit_events")

        let error = await #expect(throws: KeyStoreError.self) {
            try await source.copyRegistry(to: postgres, names: ("source.db", database.displayName), actor: "tester", clock: clock)
        }
        await postgres.close()
        #expect(error?.category == .conflict && error?.message.contains("\(database.displayName) is not empty") == true)
        #expect(try database.rows("SELECT count(*) FROM audit_events") == before)
    }

    @Test func tablesLargerThanABatchArePagedWholeThroughPostgres() async throws {
        let folder = TemporaryFolder()
        let clock = ManualClock("2026-11-29T12:00:00Z")
        let (source, _) = try SQLiteKeyRegistry.create(at: folder.file("source.db"), clock: clock)
        // Every key and version created in the same second: pages of keys break the tie on the
        // id, pages of versions follow PostgreSQL's rowid.
        let count = RegistryTransferTable.batchSize * 2 + 1
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [folder.file("source.db"), """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            INSERT INTO keys (id, name, env, scopes, created_at) SELECT lower(hex(randomblob(8))), 'key-' || i, 'prod', '*', 1764000000 FROM n;
            INSERT INTO key_versions (id, key_id, fingerprint, hint, stage, created_at)
            SELECT lower(hex(randomblob(8))), id, 'sha256:' || id, '…' || substr(id, -4), 'current', 1764000000 FROM keys;
            """]
        try sqlite.run()
        sqlite.waitUntilExit()
        let database = try PostgresTestDatabase(prefix: "migrate_test")
        let (postgres, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        _ = try await source.copyRegistry(to: postgres, names: ("source.db", database.displayName), actor: "tester", clock: clock)
        let (back, _) = try SQLiteKeyRegistry.create(at: folder.file("back.db"), clock: clock)
        let summary = try await postgres.copyRegistry(to: back, names: (database.displayName, "back.db"), actor: "tester", clock: clock)
        let original = try await rows(of: source), returned = try await rows(of: back)
        await postgres.close()
        #expect(summary.rows.first { $0.table == .keys }?.count == Int64(count))
        #expect(Set(returned[.keys]!.map { "\($0)" }) == Set(original[.keys]!.map { "\($0)" }))
        #expect(returned[.keyVersions]! == original[.keyVersions]! && original[.keyVersions]!.count == count)
    }

    @Test func thePostgresSchemaHasTheTransferredTablesColumnForColumn() async throws {
        let database = try PostgresTestDatabase(prefix: "migrate_test")
        let (postgres, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: ManualClock("2026-11-29T12:00:00Z"))
        let version = try await postgres.transferSchemaVersion()
        await postgres.close()
        #expect(version == RegistryTransferTable.schemaVersion)
        let tables = try database.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name != 'keyctl_schema_migrations' ORDER BY table_name")
        #expect(tables.map { $0[0] ?? "" } == RegistryTransferTable.all.map(\.name).sorted())
        for table in RegistryTransferTable.all {
            let columns = try database.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '\(table.name)' ORDER BY ordinal_position")
            let rowid = PostgresKeyRegistry.tablesWithRowid.contains(table) ? ["rowid"] : []
            #expect(columns.map { $0[0] ?? "" } == table.columns + rowid, "\(table)")
        }
    }
}
