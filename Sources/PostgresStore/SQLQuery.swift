import PostgresNIO

/// A statement built piece by piece, each bound value numbered (`$1`, `$2` …) as it is added:
/// for the queries whose conditions depend on a filter.
struct SQLQuery {
    private(set) var sql: String
    private var binds = PostgresBindings()

    init(_ sql: String) { self.sql = sql }

    mutating func append(_ text: String) { sql += text }

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
