import Foundation
import KeyStore
import GRDB

extension SQLiteKeyRegistry {
    public func forEachReportCandidate(
        env: EnvironmentName?, policies: PolicyTable, asOf: Date, includeUnflagged: Bool,
        _ body: (KeyRecord) throws -> Void
    ) async throws {
        var sql = "SELECT \(KeyRecord.selection) FROM \(KeyRecord.source) WHERE k.status != 'retired'"
        var arguments: StatementArguments = []
        if let env {
            sql += " AND k.env = ?"
            arguments += [env.rawValue]
        }
        if !includeUnflagged {
            // age >= maxAge - warnWindow  <=>  start + maxAge - warnWindow <= asOf
            let maxAge = PolicyColumn.expression(policies) { $0.maxAge.seconds }
            let warnWindow = PolicyColumn.expression(policies) { $0.warnWindow.seconds }
            sql += """
                 AND (k.status = 'compromised' OR k.last_verify_ok = 0
                      OR coalesce(k.rotated_at, k.created_at) + coalesce(k.max_age_seconds, \(maxAge.sql)) - \(warnWindow.sql) <= ?
                      OR EXISTS (SELECT 1 FROM offboardings o WHERE o.key_id = k.id AND o.at > coalesce(k.rotated_at, k.created_at) AND o.at <= ?))
                """
            arguments += maxAge.arguments
            arguments += warnWindow.arguments
            arguments += [Timestamp.epochSeconds(asOf), Timestamp.epochSeconds(asOf)]
        }
        sql += " ORDER BY k.env, k.name"
        try perform {
            try readSnapshot { db in
                let rows = try SteppedRows(db, sql: sql, arguments: arguments)
                while let row = try rows.next() { try body(KeyRecord(row: row)) }
            }
        }
    }
}

/// A per-environment policy value as SQL: `CASE k.env WHEN ? THEN ? ... ELSE ? END`, or a plain
/// `?` when no environment overrides the default.
enum PolicyColumn {
    static func expression(_ policies: PolicyTable, _ value: (RotationPolicy) -> Int64) -> (sql: String, arguments: StatementArguments) {
        let overrides = policies.overrides.sorted { $0.key < $1.key }
        guard !overrides.isEmpty else { return ("?", [value(policies.defaultPolicy)]) }
        var arguments: StatementArguments = []
        for (env, policy) in overrides { arguments += [env.rawValue, value(policy)] }
        arguments += [value(policies.defaultPolicy)]
        return ("CASE k.env" + String(repeating: " WHEN ? THEN ?", count: overrides.count) + " ELSE ? END", arguments)
    }
}
