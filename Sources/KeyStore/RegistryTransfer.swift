/// A store that a whole registry can be copied out of and into, for `keyctl migrate`.
///
/// Every store keeps the tables of `RegistryTransferTable.all` with the same columns, and stores
/// each value as it is given (timestamps as whole seconds, ids as text), so a transfer copies rows
/// verbatim and the audit chain's hashes stay valid in the target. `SQLiteKeyRegistry` and
/// `PostgresKeyRegistry` implement it; `copyRegistry(to:...)` is the transfer itself.
///
/// Errors are `KeyStoreError`s, as for the store's other operations.
public protocol RegistryTransfer: Sendable {
    /// The schema version this store is at, in the numbering of `RegistryTransferTable.schemaVersion`
    /// (SQLite's migration number, which the PostgreSQL schema mirrors).
    func transferSchemaVersion() async throws -> Int

    /// Runs `body` with one consistent read of the whole registry: what other processes commit
    /// meanwhile is not seen. The store is not changed.
    func readForTransfer<T: Sendable>(_ body: (any RegistryTransferReader) async throws -> T) async throws -> T

    /// Runs `body` in one write transaction that also keeps other writers out: it commits when
    /// `body` returns and rolls back when it throws, so a transfer is written whole or not at all.
    func writeForTransfer<T: Sendable>(_ body: (any RegistryTransferWriter) async throws -> T) async throws -> T
}

/// Reads the registry's rows inside `readForTransfer` or `writeForTransfer`.
public protocol RegistryTransferReader {
    /// How many rows `table` holds.
    func rowCount(of table: RegistryTransferTable) async throws -> Int64

    /// Calls `body` with the rows of `table`, in batches of at most `RegistryTransferTable.batchSize`
    /// rows, each row's values in `table.columns` order. Rows come in the store's insertion order
    /// where it keeps one (SQLite's rowid, PostgreSQL's `rowid` column), else in
    /// `table.creationOrder`, so that a copy keeps the order in which the registry's queries break
    /// ties between rows stamped in the same second; `audit_events` always by `seq`.
    /// Only one batch is held at a time.
    func forEachBatch(of table: RegistryTransferTable, _ body: ([[RegistryTransferValue]]) async throws -> Void) async throws
}

/// Writes rows inside `writeForTransfer`; it reads what the transaction wrote so far too.
public protocol RegistryTransferWriter: RegistryTransferReader {
    /// Inserts `rows` into `table`, each row's values in `table.columns` order, verbatim.
    /// Throws (and the whole transfer rolls back) when a row breaks a constraint.
    func insert(_ rows: [[RegistryTransferValue]], into table: RegistryTransferTable) async throws
}
