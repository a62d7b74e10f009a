import Foundation
import KeyStore
import KeyctlTestSupport
import SQLiteStore
import Synchronization
import Testing
@testable import keyctl

@Suite struct MigrateCommandTests {
    /// A registry with every kind of row: keys, a finished rotation, a rotation that failed at
    /// deploy (in flight, with its sealed secret and snapshots), grants, an offboarding and the
    /// audit events of all of it. `search`'s second target fails until `fixed` is written.
    private func world() async throws -> CLIHarness {
        let cli = await CLIHarness.initialised()
        let config = cli.folder.write("keyctl.toml", """
            [rotation]
            issuer = "local"
            targets = ["app-env"]
            grace = "0s"

            [issuers.local]
            type = "local"
            prefix = "sk_{env}_"

            [targets.app-env]
            type = "env-file"
            path = "\(cli.folder.file("{name}.env"))"
            variable = "API_KEY"

            [targets.flaky]
            type = "exec"
            command = ["sh", "-c", "cat > /dev/null; test -f '\(cli.folder.file("fixed"))'"]

            [keys.search]
            targets = ["app-env", "flaky"]
            """)
        _ = cli.folder.write("search.env", "API_KEY=sk_prod_before\n")
        for name in ["checkout", "billing", "search"] {
            #expect(await cli.run("add", name, "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: "sk_prod_\(name)_seed_0123456789").code == 0)
        }
        #expect(await cli.run("add", "ledger", "--env", "staging", "--scopes", "*", "--owner", "team:money", "--label", "tier=1").code == 0)
        #expect(await cli.run("rotate", "checkout", "--env", "prod", "--yes", "--config", config).code == 0)
        #expect(await cli.run("rotate", "search", "--env", "prod", "--yes", "--config", config).code == 1)
        #expect(await cli.run("access", "grant", "checkout", "--env", "prod", "--to", "alice@example.com", "--reason", "on call").code == 0)
        #expect(await cli.run("access", "grant", "billing", "--env", "prod", "--to", "bob@example.com").code == 0)
        #expect(await cli.run("offboard", "bob@example.com", "--reason", "left", "--config", config).code == 0)
        #expect(await cli.run("compromise", "ledger", "--env", "staging", "--reason", "INC-7").code == 0)
        for index in 0..<40 { #expect(await cli.run("update", "billing", "--env", "prod", "--description", "take \(index)").code == 0) }
        return cli
    }

    private func run(_ cli: CLIHarness, _ arguments: [String], db: String) async -> CLIResult {
        await cli.run(arguments + ["--db", db])
    }

    /// Every row of every table, as `sqlite3` prints it (blobs in hex), in rowid order.
    private func dump(_ path: String, _ table: RegistryTransferTable) throws -> String {
        let columns = table.columns.map { "quote(\($0))" }.joined(separator: ", ")
        return try sqlite(path, "SELECT \(columns) FROM \(table.name) ORDER BY rowid")
    }

    @discardableResult
    private func sqlite(_ path: String, _ sql: String) throws -> String {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private func fileBytes(_ path: String) -> Data {
        (FileManager.default.contents(atPath: path) ?? Data()) + (FileManager.default.contents(atPath: path + "-wal") ?? Data())
    }

    @Test func aCopyReadsExactlyLikeTheSourceAndContinuesItsAuditChain() async throws {
        let cli = try await world()
        let target = cli.folder.file("copy/registry.db")
        let migrated = await cli.run("migrate", "--from", cli.registryPath, "--to", target)
        #expect(migrated.code == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.hasPrefix("migrated \(cli.registryPath) to \(target): 4 keys, "), "\(migrated.stdout)")

        for table in RegistryTransferTable.all where table != .auditEvents {
            #expect(try dump(target, table) == dump(cli.registryPath, table), "\(table)")
        }
        for arguments in [["list", "--format", "json"], ["report", "--format", "json"], ["rotations", "--format", "json"],
                          ["access", "list", "--history", "--format", "json"], ["show", "search", "--env", "prod", "--format", "json"]] {
            let source = await run(cli, arguments, db: cli.registryPath), copy = await run(cli, arguments, db: target)
            #expect(copy.stdout == source.stdout && copy.code == source.code, "\(arguments)")
        }

        // The chain is the source's, continued by one registry.migrate event linked to its head.
        let sourceEvents = try await run(cli, ["audit", "--format", "json"], db: cli.registryPath).json()["events"] as? [[String: Any]] ?? []
        let copyEvents = try await run(cli, ["audit", "--format", "json"], db: target).json()["events"] as? [[String: Any]] ?? []
        #expect(sourceEvents.count > 50)
        #expect(copyEvents.count == sourceEvents.count + 1)
        #expect(NSArray(array: Array(copyEvents.dropLast())).isEqual(to: sourceEvents))
        let migrateEvent = try #require(copyEvents.last)
        #expect(migrateEvent["action"] as? String == "registry.migrate" && migrateEvent["actor"] as? String == "tester")
        let sourceHead = try #require(sourceEvents.last?["hash"] as? String)
        #expect((migrateEvent["details"] as? [String: String])?["source_head"] == sourceHead)
        let verified = await run(cli, ["audit", "verify"], db: target)
        #expect(verified.code == 0 && verified.stdout.hasPrefix("audit chain intact: \(copyEvents.count) events, head \(migrateEvent["hash"]!)"))
        #expect(migrated.stdout.contains("audit chain verified (\(sourceEvents.count) events, head \(sourceHead))"))

        // The in-flight rotation's sealed secret came along: the copy resumes it to the end.
        _ = cli.folder.write("fixed", "")
        let resumed = await run(cli, ["rotate", "search", "--env", "prod", "--resume", "--config", cli.folder.file("keyctl.toml")], db: target)
        #expect(resumed.code == 0, "\(resumed.stderr)")
        let active = try await run(cli, ["rotations", "--active", "--format", "json"], db: target).json()
        #expect((active["rotations"] as? [Any])?.isEmpty == true)
    }

    @Test func aTargetHoldingAnythingIsRefusedAndLeftUntouched() async throws {
        let cli = try await world()
        let target = cli.folder.file("other.db")
        #expect(await run(cli, ["init"], db: target).code == 0)
        #expect(await run(cli, ["add", "lonely", "--env", "dev", "--scopes", "*"], db: target).code == 0)
        let before = fileBytes(target)
        let refused = await cli.run("migrate", "--from", cli.registryPath, "--to", target)
        #expect(refused.code == 1)
        #expect(refused.stderr == "keyctl: error: the registry at \(target) is not empty (it holds 1 keys, 1 audit_events): keyctl migrate copies only into an empty registry; it was not modified\n")
        #expect(fileBytes(target) == before)
    }

    @Test func aSourceWithABrokenChainIsRefusedAndNothingIsLeftBehind() async throws {
        let cli = try await world()
        try sqlite(cli.registryPath, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
        let fresh = cli.folder.file("fresh/registry.db")
        let refused = await cli.run("migrate", "--from", cli.registryPath, "--to", fresh)
        #expect(refused.code == 1)
        #expect(refused.stderr.contains("the audit chain of \(cli.registryPath) is broken at event 3: its content does not match its hash (it was edited)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fresh))

        let empty = cli.folder.file("empty.db")
        #expect(await run(cli, ["init"], db: empty).code == 0)
        #expect(await cli.run("migrate", "--from", cli.registryPath, "--to", empty).code == 1)
        #expect(try dump(empty, .keys).isEmpty && dump(empty, .auditEvents).isEmpty)
    }

    @Test(arguments: [
        ("DELETE FROM grdb_migrations WHERE identifier = '0006_access'", "`keyctl init`"),
        ("INSERT INTO grdb_migrations VALUES ('0007_future')", "written by a newer keyctl"),
    ])
    func aRegistryAtAnotherSchemaIsRefusedOnEitherSide(change: String, message: String) async throws {
        let cli = try await world()
        let target = cli.folder.file("other.db")
        #expect(await run(cli, ["init"], db: target).code == 0)
        try sqlite(target, change)
        let before = fileBytes(target)
        let asTarget = await cli.run("migrate", "--from", cli.registryPath, "--to", target)
        #expect(asTarget.code == 1 && asTarget.stderr.contains(target) && asTarget.stderr.contains(message), "\(asTarget.stderr)")
        #expect(fileBytes(target) == before)

        try sqlite(cli.registryPath, change)
        let asSource = await cli.run("migrate", "--from", cli.registryPath, "--to", cli.folder.file("new.db"))
        #expect(asSource.code == 1 && asSource.stderr.contains(cli.registryPath) && asSource.stderr.contains(message), "\(asSource.stderr)")
        #expect(!FileManager.default.fileExists(atPath: cli.folder.file("new.db")))
    }

    @Test(arguments: [["migrate", "--from", "a.db"], ["migrate", "--from", "a.db", "--to", "./a.db"], ["migrate", "--from", "a.db", "--to", "b.db", "--db", "c.db"]])
    func aMissingOrSelfTargetIsAUsageError(arguments: [String]) async {
        let cli = CLIHarness()
        let result = await cli.run(arguments)
        #expect(result.code == 64, "\(result.stderr)")
    }

    @Test func theTablesCopiedAreExactlyTheRegistrysColumnForColumn() async throws {
        let cli = await CLIHarness.initialised()
        let tables = try sqlite(cli.registryPath, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations' ORDER BY name")
        #expect(tables.split(separator: "\n").map(String.init) == RegistryTransferTable.all.map(\.name).sorted())
        for table in RegistryTransferTable.all {
            let columns = try sqlite(cli.registryPath, "SELECT name FROM pragma_table_info('\(table.name)') ORDER BY cid")
            #expect(columns.split(separator: "\n").map(String.init) == table.columns, "\(table)")
            #expect(!table.creationOrder.isEmpty && Set(table.creationOrder).isSubset(of: table.columns), "\(table)")
        }
        let registry = try SQLiteKeyRegistry.open(at: cli.registryPath)
        #expect(try await registry.transferSchemaVersion() == RegistryTransferTable.schemaVersion)
    }

    @Test func aHundredThousandKeysStreamInBatches() async throws {
        let cli = await CLIHarness.initialised()
        try sqlite(cli.registryPath, """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
            INSERT INTO keys (id, name, env, scopes, created_at) SELECT printf('k%06d', i), printf('key-%06d', i), 'prod', 'orders:write', 1764000000 FROM n;
            INSERT INTO key_versions (id, key_id, fingerprint, hint, stage, created_at)
            SELECT 'v' || substr(id, 2), id, 'sha256:' || id, '…' || substr(id, -4), 'current', 1764000000 FROM keys;
            """)
        let source = BatchRecorder(try SQLiteKeyRegistry.open(at: cli.registryPath))
        let target = BatchRecorder(try SQLiteKeyRegistry.create(at: cli.folder.file("copy.db")).0)
        let summary = try await source.copyRegistry(to: target, names: ("source", "copy"), actor: "tester", clock: cli.clock)
        #expect(summary.rows.first { $0.table == .keys }?.count == 100_000)
        #expect(summary.rows.first { $0.table == .keyVersions }?.count == 100_000)
        #expect(source.largestBatch.withLock { $0 } == RegistryTransferTable.batchSize)
        #expect(target.largestBatch.withLock { $0 } == RegistryTransferTable.batchSize)
        #expect(try sqlite(cli.folder.file("copy.db"), "SELECT count(*) FROM keys JOIN key_versions ON key_versions.key_id = keys.id") == "100000\n")
    }
}

/// A store that records the largest batch of rows read from it or written to it in a transfer.
private final class BatchRecorder: RegistryTransfer {
    let store: SQLiteKeyRegistry
    let largestBatch = Mutex(0)

    init(_ store: SQLiteKeyRegistry) { self.store = store }

    func transferSchemaVersion() async throws -> Int { try await store.transferSchemaVersion() }

    func readForTransfer<T: Sendable>(_ body: (any RegistryTransferReader) async throws -> T) async throws -> T {
        try await store.readForTransfer { try await body(Recording(inner: $0, recorder: self)) }
    }

    func writeForTransfer<T: Sendable>(_ body: (any RegistryTransferWriter) async throws -> T) async throws -> T {
        try await store.writeForTransfer { try await body(Recording(inner: $0, recorder: self)) }
    }

    fileprivate func record(_ count: Int) { largestBatch.withLock { $0 = max($0, count) } }

    private struct Recording: RegistryTransferWriter {
        let inner: any RegistryTransferReader
        let recorder: BatchRecorder

        func rowCount(of table: RegistryTransferTable) async throws -> Int64 { try await inner.rowCount(of: table) }

        func forEachBatch(of table: RegistryTransferTable, _ body: ([[RegistryTransferValue]]) async throws -> Void) async throws {
            try await inner.forEachBatch(of: table) { batch in
                recorder.record(batch.count)
                try await body(batch)
            }
        }

        func insert(_ rows: [[RegistryTransferValue]], into table: RegistryTransferTable) async throws {
            recorder.record(rows.count)
            try await (inner as! any RegistryTransferWriter).insert(rows, into: table)
        }
    }
}
