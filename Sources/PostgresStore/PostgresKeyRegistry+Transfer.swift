import Foundation
import KeyStore
import PostgresNIO

/// `keyctl migrate` on a PostgreSQL registry: a transfer reads in one REPEATABLE READ snapshot and
/// writes in one write transaction holding the write lock (so no keyctl writes meanwhile), paging
/// through each table one batch per query.
///
/// The tables that end with a `rowid` identity column (standing for SQLite's rowid, which orders
/// their rows stamped in the same second) are read in its order, and their rows inserted without
/// it, in the order they come: the identity numbers them anew in the same order, as SQLite does.
extension PostgresKeyRegistry: RegistryTransfer {
    /// The tables with a `rowid` identity column (see Migrations/postgres/0001_registry.sql).
    static let tablesWithRowid: Set<RegistryTransferTable> = [.keyVersions, .rotations, .accessGrants]

    /// The SQLite schema version each PostgreSQL migration brings the registry to: the PostgreSQL
    /// schema mirrors SQLite's, and a transfer needs both at the same version.
    static let mirroredSchemaVersions = ["0001_registry": 6]

    /// The SQLite schema version the applied migrations mirror; one this keyctl does not know
    /// counts as newer than `RegistryTransferTable.schemaVersion`.
    public func transferSchemaVersion() async throws -> Int {
        try await perform { connection in
            let exists = try await connection.first("SELECT to_regclass('keyctl_schema_migrations') IS NOT NULL")
            guard try exists?[0].decode(Bool.self) == true else { return 0 }
            let applied = try await connection.all("SELECT identifier FROM keyctl_schema_migrations").map { try $0[0].decode(String.self) }
            return applied.map { Self.mirroredSchemaVersions[$0] ?? RegistryTransferTable.schemaVersion + 1 }.max() ?? 0
        }
    }

    public func readForTransfer<T: Sendable>(_ body: (any RegistryTransferReader) async throws -> T) async throws -> T {
        try await read { connection in try await body(PostgresTransferConnection(connection: connection, displayName: displayName)) }
    }

    public func writeForTransfer<T: Sendable>(_ body: (any RegistryTransferWriter) async throws -> T) async throws -> T {
        try await write { connection, _ in try await body(PostgresTransferConnection(connection: connection, displayName: displayName)) }
    }
}

/// The connection of one transfer's transaction.
private struct PostgresTransferConnection: RegistryTransferWriter {
    let connection: PostgresConnection
    let displayName: String

    func rowCount(of table: RegistryTransferTable) async throws -> Int64 {
        try await connection.first(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name)"))?[0].decode(Int64.self) ?? 0
    }

    /// Pages by `rowid` where the table has one, else by `table.creationOrder`: each batch is one
    /// query for the rows after the last one read (the order columns are selected after the
    /// table's, to page on).
    func forEachBatch(of table: RegistryTransferTable, _ body: ([[RegistryTransferValue]]) async throws -> Void) async throws {
        let order = PostgresKeyRegistry.tablesWithRowid.contains(table) ? ["rowid"] : table.creationOrder
        let selection = (table.columns + order).joined(separator: ", ")
        var last: [RegistryTransferValue]?
        while true {
            var query = PostgresQuery(unsafeSQL: "SELECT \(selection) FROM \(table.name)")
            if let last {
                let placeholders = order.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
                query.sql += " WHERE (\(order.joined(separator: ", "))) > (\(placeholders))"
                for value in last { try Self.bind(value, to: &query.binds) }
            }
            query.sql += " ORDER BY \(order.joined(separator: ", ")) LIMIT \(RegistryTransferTable.batchSize)"
            var batch: [[RegistryTransferValue]] = []
            for try await row in try await connection.stream(query) {
                let values = try row.map(value)
                batch.append(Array(values.prefix(table.columns.count)))
                last = Array(values.suffix(order.count))
            }
            guard !batch.isEmpty else { return }
            try await body(batch)
            if batch.count < RegistryTransferTable.batchSize { return }
        }
    }

    func insert(_ rows: [[RegistryTransferValue]], into table: RegistryTransferTable) async throws {
        guard !rows.isEmpty else { return }
        var query = PostgresQuery(unsafeSQL: "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES ")
        var tuples: [String] = []
        for row in rows {
            guard row.count == table.columns.count else {
                throw KeyStoreError(.failed, "a row of \(table.name) to copy has \(row.count) values, not \(table.columns.count)")
            }
            let first = query.binds.count + 1
            tuples.append("(" + (first..<first + row.count).map { "$\($0)" }.joined(separator: ", ") + ")")
            for value in row { try Self.bind(value, to: &query.binds) }
        }
        query.sql += tuples.joined(separator: ", ")
        try await connection.run(query)
    }

    private static func bind(_ value: RegistryTransferValue, to binds: inout PostgresBindings) throws {
        switch value {
        case .integer(let integer): binds.append(integer)
        case .text(let text): binds.append(text)
        case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
        case .null: binds.appendNull()
        }
    }

    private func value(_ cell: PostgresCell) throws -> RegistryTransferValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .text, .varchar: return .text(try cell.decode(String.self))
        case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        default:
            throw KeyStoreError(
                .registryUnreadable,
                "the registry in \(displayName) is damaged: column \(cell.columnName) holds a value of type \(cell.dataType), which keyctl never writes; correct it or restore a backup")
        }
    }
}
