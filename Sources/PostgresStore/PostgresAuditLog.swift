import Foundation
import KeyStore
import PostgresNIO

/// Appends events to the hash chain inside the caller's write transaction (which holds the write
/// lock), so that a change and its event are written together or not at all, and two writers
/// never append after the same head.
enum PostgresAuditLog {
    static let selection = "seq, id, at, actor, action, key_name, key_env, details, prev_hash, hash"

    static func append(
        _ connection: PostgresConnection, at now: Date, actor: String, action: String,
        key: (KeyName, EnvironmentName)?, details: AuditDetails
    ) async throws {
        let last = try await connection.first("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        let seq = try last?.decode(column: 0, of: "the audit chain's head", as: AuditEvent.seq(after:)) ?? 1
        let prevHash = try last?.decode(String.self, column: 1, of: "audit event \(seq - 1)") ?? AuditEvent.genesisHash
        let id = UUID().uuidString.lowercased()
        let at = Timestamp.epochSeconds(now)
        let detailsJSON = details.json
        let hash = AuditEvent.chainHash(
            prevHash: prevHash, seq: seq, id: id, atEpochSeconds: at, actor: actor, action: action,
            keyName: key?.0.rawValue, keyEnv: key?.1.rawValue, details: detailsJSON)
        try await connection.run(
            """
            INSERT INTO audit_events (\(unescaped: selection))
            VALUES (\(seq), \(id), \(at), \(actor), \(action), \(key?.0.rawValue), \(key?.1.rawValue), \(detailsJSON), \(prevHash), \(hash))
            """)
    }
}

extension AuditEvent {
    /// Decodes a row selected with `PostgresAuditLog.selection`; throws `registryUnreadable` naming
    /// the event when a column holds NULL where keyctl writes a value.
    init(postgresRow row: PostgresRandomAccessRow) throws(KeyStoreError) {
        func event() -> String { "audit event \((try? row.decode(Int64.self, column: 0, of: "")).map(String.init) ?? "?")" }
        self.init(
            seq: try row.decode(column: 0, of: event()), id: try row.decode(column: 1, of: event()),
            at: Date(timeIntervalSince1970: TimeInterval(try row.decode(Int64.self, column: 2, of: event()))),
            actor: try row.decode(column: 3, of: event()), action: try row.decode(column: 4, of: event()),
            keyName: try row.decode(column: 5, of: event()), keyEnv: try row.decode(column: 6, of: event()),
            details: try row.decode(column: 7, of: event()), prevHash: try row.decode(column: 8, of: event()),
            hash: try row.decode(column: 9, of: event()))
    }
}
