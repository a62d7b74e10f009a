import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry: AuditChainReader {
    public func forEachAuditEvent(matching filter: AuditFilter, _ body: (AuditEvent) throws -> Void) async throws {
        var query = SQLQuery("SELECT \(PostgresAuditLog.selection) FROM audit_events")
        var conditions: [String] = []
        if let since = filter.since { conditions.append("at >= \(query.bind(Timestamp.epochSeconds(since)))") }
        if let key = filter.key {
            conditions.append("key_env = \(query.bind(key.env.rawValue)) AND key_name = \(query.bind(key.name.rawValue))")
        }
        if !conditions.isEmpty { query.append(" WHERE " + conditions.joined(separator: " AND ")) }
        query.append(" ORDER BY seq")
        try await read { connection in
            for try await row in try await connection.stream(query.query) {
                try body(AuditEvent(postgresRow: row.makeRandomAccess()))
            }
        }
    }

    /// The newest event's position and hash, or `AuditHead.empty`.
    public func auditHead() async throws -> AuditHead {
        try await read { connection in
            guard let row = try await connection.first("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1") else {
                return AuditHead.empty
            }
            return AuditHead(events: try row.decode(column: 0, of: "the audit chain's head"), hash: try row.decode(column: 1, of: "the audit chain's head"))
        }
    }

    /// The stored hash of each event in `positions` that exists, keyed by sequence number.
    public func auditHashes(at positions: Set<Int64>) async throws -> [Int64: String] {
        guard !positions.isEmpty else { return [:] }
        return try await read { connection in
            var hashes: [Int64: String] = [:]
            for row in try await connection.all("SELECT seq, hash FROM audit_events WHERE seq = ANY(\(Array(positions)))") {
                let seq: Int64 = try row.decode(column: 0, of: "an audit event")
                hashes[seq] = try row.decode(column: 1, of: "audit event \(seq)")
            }
            return hashes
        }
    }

    public func verifyAuditChain() async throws -> AuditChainVerdict {
        try await read { connection in
            var chain = AuditChainCheck()
            for try await row in try await connection.stream("SELECT \(unescaped: PostgresAuditLog.selection) FROM audit_events ORDER BY seq") {
                if let broken = chain.check(try AuditEvent(postgresRow: row.makeRandomAccess())) { return broken }
            }
            return chain.intact
        }
    }
}
