import GRDB
import GRDBSQLite

/// A row of the registry that records are decoded from (see `StoredRow+RegistryDecoding`).
protocol StoredRow {
    /// The value stored at `column`, as SQLite holds it.
    func storedValue(_ column: Int) -> DatabaseValue
    /// The names of the row's columns, for error messages.
    var storedColumnNames: [String] { get }
}

extension Row: StoredRow {
    /// Read without GRDB's generic decoding, which looks up protocol conformances at run time
    /// for every value.
    func storedValue(_ column: Int) -> DatabaseValue {
        let value: (any DatabaseValueConvertible)? = self[column]
        return value?.databaseValue ?? .null
    }

    var storedColumnNames: [String] { Array(columnNames) }
}

/// The row a statement is positioned on, read straight from SQLite: the commands that stream
/// every key or event (list, report, audit) spend less on each row than through GRDB's `Row`.
struct SteppedRow: StoredRow {
    let statement: Statement

    func storedValue(_ column: Int) -> DatabaseValue {
        DatabaseValue(sqliteStatement: statement.sqliteStatement, index: CInt(column))
    }

    var storedColumnNames: [String] { statement.columnNames }
}

/// The rows of a query, one `SteppedRow` at a time; each is valid until the next call to `next()`.
struct SteppedRows {
    private let rows: RowCursor
    private let row: SteppedRow

    init(_ db: Database, sql: String, arguments: StatementArguments = []) throws {
        let statement = try db.makeStatement(sql: sql)
        rows = try Row.fetchCursor(statement, arguments: arguments)
        row = SteppedRow(statement: statement)
    }

    func next() throws -> SteppedRow? {
        try rows.next() == nil ? nil : row
    }

    /// The first row of a query prepared once per connection (GRDB's statement cache), decoded by
    /// `decode` while the statement is on it; nil when there is none. Steps the statement itself:
    /// a GRDB cursor builds a `Row` and its column names, which a rotation's every write paid for.
    static func first<T>(
        _ db: Database, sql: String, arguments: StatementArguments = [], decode: (SteppedRow) throws -> T
    ) throws -> T? {
        let statement = try db.cachedStatement(sql: sql)
        try statement.setArguments(arguments)
        defer { sqlite3_reset(statement.sqliteStatement) }
        switch sqlite3_step(statement.sqliteStatement) {
        case SQLITE_ROW: return try decode(SteppedRow(statement: statement))
        case SQLITE_DONE: return nil
        case let code: throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: sql)
        }
    }
}
