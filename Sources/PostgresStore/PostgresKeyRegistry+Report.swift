import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry {
    public func forEachReportCandidate(
        env: EnvironmentName?, policies: PolicyTable, asOf: Date, includeUnflagged: Bool,
        _ body: (KeyRecord) throws -> Void
    ) async throws {
        var query = SQLQuery("SELECT \(KeyRecord.postgresSelection) FROM \(KeyRecord.postgresSource) WHERE k.status != 'retired'")
        if let env { query.append(" AND k.env = \(query.bind(env.rawValue))") }
        if !includeUnflagged {
            // age >= maxAge - warnWindow  <=>  start + maxAge - warnWindow <= asOf
            let maxAge = PostgresPolicyColumn.expression(policies, &query) { $0.maxAge.seconds }
            let warnWindow = PostgresPolicyColumn.expression(policies, &query) { $0.warnWindow.seconds }
            let asOfSeconds = query.bind(Timestamp.epochSeconds(asOf))
            query.append(
                """
                 AND (k.status = 'compromised' OR k.last_verify_ok = 0
                      OR coalesce(k.rotated_at, k.created_at) + coalesce(k.max_age_seconds, \(maxAge)) - \(warnWindow) <= \(asOfSeconds)
                      OR EXISTS (SELECT 1 FROM offboardings o WHERE o.key_id = k.id AND o.at > coalesce(k.rotated_at, k.created_at) AND o.at <= \(asOfSeconds)))
                """)
        }
        query.append(" ORDER BY k.env, k.name")
        try await streamKeys(query, body)
    }
}

/// A per-environment policy value as SQL: `CASE k.env WHEN $1 THEN $2 ... ELSE $n END`, or a
/// plain placeholder when no environment overrides the default.
enum PostgresPolicyColumn {
    static func expression(_ policies: PolicyTable, _ query: inout SQLQuery, _ value: (RotationPolicy) -> Int64) -> String {
        let overrides = policies.overrides.sorted { $0.key < $1.key }
        let defaultValue = value(policies.defaultPolicy)
        guard !overrides.isEmpty else { return "\(query.bind(defaultValue))::bigint" }
        var sql = "CASE k.env"
        for (env, policy) in overrides { sql += " WHEN \(query.bind(env.rawValue)) THEN \(query.bind(value(policy)))::bigint" }
        return sql + " ELSE \(query.bind(defaultValue))::bigint END"
    }
}
