import Foundation
import KeyStore
import GRDB

/// `keyctl migrate` on a SQLite registry: each transfer runs on a connection of its own that keeps
/// one transaction open across the batches (a deferred one for a consistent read, an immediate
/// one for writing), so rows stream out and in without the registry ever being held in memory.
extension SQLiteKeyRegistry {
    /// The number of the newest migration recorded in the file (`0006_access` is 6), known to
    /// this keyctl or not.
    public func transferSchemaVersion() async throws -> Int {
        try perform {
            try readSnapshot { db in
                guard try db.tableExists("grdb_migrations") else { return 0 }
                let identifiers = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                return identifiers.compactMap { Int($0.prefix { $0.isNumber }) }.max() ?? 0
            }
        }
    }

    public func readForTransfer<T: Sendable>(_ body: (any RegistryTransferReader) async throws -> T) async throws -> T {
        let transfer = try SQLiteTransferConnection(registry: self, readonly: true)
        // The snapshot starts at the first read, not at BEGIN: read at once so that it is now.
        return try await transfer.inTransaction("BEGIN DEFERRED; SELECT count(*) FROM sqlite_master") { try await body(transfer) }
    }

    public func writeForTransfer<T: Sendable>(_ body: (any RegistryTransferWriter) async throws -> T) async throws -> T {
        let transfer = try SQLiteTransferConnection(registry: self, readonly: false)
        return try await transfer.inTransaction("BEGIN IMMEDIATE") { try await body(transfer) }
    }
}

/// One connection to the registry's file holding a transaction across awaits (which GRDB allows
/// only when asked to), for one transfer.
private final class SQLiteTransferConnection: RegistryTransferWriter {
    private let connection: DatabaseQueue
    private let path: String

    init(registry: SQLiteKeyRegistry, readonly: Bool) throws(KeyStoreError) {
        var configuration = registry.database.configuration
        configuration.readonly = readonly
        configuration.allowsUnsafeTransactions = true
        path = registry.path
        do {
            connection = try DatabaseQueue(path: registry.path, configuration: configuration)
        } catch {
            throw RegistryErrorMapping.map(error, path: registry.path)
        }
    }

    /// Runs `work` between `begin` and COMMIT; rolls back when `work` or COMMIT throws.
    func inTransaction<T>(_ begin: String, _ work: () async throws -> T) async throws -> T {
        try await run { db in try db.execute(sql: begin) }
        do {
            let result = try await work()
            try await run { db in try db.execute(sql: "COMMIT") }
            return result
        } catch {
            _ = try? await connection.writeWithoutTransaction { db in
                if db.isInsideTransaction { try db.execute(sql: "ROLLBACK") }
            }
            throw error
        }
    }

    func rowCount(of table: RegistryTransferTable) async throws -> Int64 {
        try await run { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0 }
    }

    /// Pages through the table by rowid, its insertion order (`seq` for `audit_events`), so that a
    /// copy into SQLite keeps the order in which rows tie in the registry's queries.
    func forEachBatch(of table: RegistryTransferTable, _ body: ([[RegistryTransferValue]]) async throws -> Void) async throws {
        let sql = "SELECT rowid, \(table.columns.joined(separator: ", ")) FROM \(table.name) WHERE rowid > ? ORDER BY rowid LIMIT \(RegistryTransferTable.batchSize)"
        var after = Int64.min
        while true {
            let (batch, last) = try await run { [after] db in
                let rows = try Row.fetchCursor(db, sql: sql, arguments: [after])
                var batch: [[RegistryTransferValue]] = []
                var last = after
                while let row = try rows.next() {
                    last = row[0]
                    batch.append(try (1...table.columns.count).map { try Self.value(row[$0], table: table, column: $0 - 1, rowid: last) })
                }
                return (batch, last)
            }
            if batch.isEmpty { return }
            try await body(batch)
            if batch.count < RegistryTransferTable.batchSize { return }
            after = last
        }
    }

    func insert(_ rows: [[RegistryTransferValue]], into table: RegistryTransferTable) async throws {
        let placeholders = Array(repeating: "?", count: table.columns.count).joined(separator: ", ")
        let sql = "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES (\(placeholders))"
        try await run { db in
            let statement = try db.cachedStatement(sql: sql)
            for row in rows {
                guard row.count == table.columns.count else {
                    throw KeyStoreError(.failed, "a row of \(table.name) to copy has \(row.count) values, not \(table.columns.count)")
                }
                try statement.execute(arguments: StatementArguments(row.map(Self.databaseValue)))
            }
        }
    }

    private func run<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) async throws(KeyStoreError) -> T {
        do {
            return try await connection.writeWithoutTransaction(work)
        } catch {
            throw RegistryErrorMapping.map(error, path: path)
        }
    }

    private static func value(_ value: DatabaseValue, table: RegistryTransferTable, column: Int, rowid: Int64) throws(KeyStoreError) -> RegistryTransferValue {
        switch value.storage {
        case .null: return .null
        case .int64(let integer): return .integer(integer)
        case .string(let text): return .text(text)
        case .blob(let data): return .blob(Array(data))
        case .double:
            throw KeyStoreError(
                .registryUnreadable,
                "the registry's table \(table.name) is damaged: row \(rowid) holds a floating-point number in \(table.columns[column]), which keyctl never writes; repair or remove that row, then migrate again")
        }
    }

    private static func databaseValue(_ value: RegistryTransferValue) -> DatabaseValue {
        switch value {
        case .integer(let integer): integer.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        case .null: .null
        }
    }
}
