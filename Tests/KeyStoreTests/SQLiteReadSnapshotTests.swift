import GRDB
import GRDBSQLite
import KeyctlTestSupport
@testable import SQLiteStore
import Testing

/// How the SQLite store reads: one snapshot that leaves nothing behind and costs the writer's
/// prepared statements nothing.
@Suite struct SQLiteReadSnapshotTests {
    @Test func aReadLeavesTheCachedStatementsCompiled() throws {
        let test = try makeTestRegistry()
        let database = test.sqlite.database
        /// Runs one cached statement; returns how often SQLite had to compile it again.
        func recompilations() throws -> Int32 {
            try database.inDatabase { db in
                let statement = try db.cachedStatement(sql: "SELECT count(*) FROM keys")
                _ = try Int.fetchOne(statement)
                return sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_REPREPARE, 0)
            }
        }
        let before = try recompilations()
        let keys = try test.sqlite.readSnapshot { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM keys") }
        #expect(keys == 0)
        // GRDB's own read turns PRAGMA query_only on and off, which expires every statement.
        #expect(try recompilations() == before)
    }

    @Test func aReadNeverLeavesAChangeBehind() throws {
        let test = try makeTestRegistry()
        try test.sqlite.readSnapshot { db in
            try db.execute(sql: "CREATE TABLE scratch (x)")
        }
        let tables = try test.sqlite.database.inDatabase { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE name = 'scratch'")
        }
        #expect(tables == 0)
    }
}
