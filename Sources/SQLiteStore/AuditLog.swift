import Foundation
import KeyStore
import GRDB

/// Appends events to the hash chain inside the caller's transaction, so that a change and its
/// event are written together or not at all.
enum AuditLog {
    static let selection = "seq, id, at, actor, action, key_name, key_env, details, prev_hash, hash"

    static func append(
        _ db: Database, at now: Date, actor: String, action: String, key: (KeyName, EnvironmentName)?, details: AuditDetails
    ) throws {
        let last = try SteppedRows.first(db, sql: "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1") { row in
            (next: try row.decode(column: 0, of: "the last audit event", as: AuditEvent.seq(after:)),
             hash: try row.decode(String.self, column: 1, of: "the last audit event"))
        }
        let seq = last?.next ?? 1
        let prevHash = last?.hash ?? AuditEvent.genesisHash
        let id = UUID().uuidString.lowercased()
        let at = Timestamp.epochSeconds(now)
        let detailsJSON = details.json
        let hash = AuditEvent.chainHash(
            prevHash: prevHash, seq: seq, id: id, atEpochSeconds: at, actor: actor, action: action,
            keyName: key?.0.rawValue, keyEnv: key?.1.rawValue, details: detailsJSON)
        try db.executeCached(
            sql: "INSERT INTO audit_events (\(selection)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [seq, id, at, actor, action, key?.0.rawValue, key?.1.rawValue, detailsJSON, prevHash, hash])
    }
}

extension AuditEvent {
    /// Decodes a row selected with `AuditLog.selection`; throws `registryUnreadable` naming the
    /// event when a column holds a value of another type or NULL where keyctl writes one. An
    /// out-of-range date is kept as stored: its hash no longer matches, and `audit verify` says so.
    init(row: some StoredRow) throws(KeyStoreError) {
        func event() -> String { "audit event \((try? row.decode(Int64.self, column: 0, of: "")).map(String.init) ?? "?")" }
        self.init(
            seq: try row.decode(column: 0, of: event()), id: try row.decode(column: 1, of: event()),
            at: Date(timeIntervalSince1970: TimeInterval(try row.decode(Int64.self, column: 2, of: event()))), actor: try row.decode(column: 3, of: event()),
            action: try row.decode(column: 4, of: event()), keyName: try row.decode(column: 5, of: event()),
            keyEnv: try row.decode(column: 6, of: event()), details: try row.decode(column: 7, of: event()),
            prevHash: try row.decode(column: 8, of: event()), hash: try row.decode(column: 9, of: event()))
    }
}

extension SQLiteKeyRegistry {
    public func forEachAuditEvent(matching filter: AuditFilter, _ body: (AuditEvent) throws -> Void) async throws {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let since = filter.since {
            conditions.append("at >= ?")
            arguments += [Timestamp.epochSeconds(since)]
        }
        if let key = filter.key {
            conditions.append("key_env = ? AND key_name = ?")
            arguments += [key.env.rawValue, key.name.rawValue]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        try perform {
            try readSnapshot { db in
                let rows = try SteppedRows(db, sql: "SELECT \(AuditLog.selection) FROM audit_events \(whereClause) ORDER BY seq", arguments: arguments)
                while let row = try rows.next() { try body(AuditEvent(row: row)) }
            }
        }
    }

    /// The newest event's position and hash, or `AuditHead.empty`.
    public func auditHead() async throws -> AuditHead {
        try perform {
            try readSnapshot { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1") else {
                    return AuditHead.empty
                }
                return AuditHead(
                    events: try row.decode(column: 0, of: "the last audit event"), hash: try row.decode(column: 1, of: "the last audit event"))
            }
        }
    }

    /// The stored hash of each event in `positions` that exists, keyed by sequence number.
    public func auditHashes(at positions: Set<Int64>) async throws -> [Int64: String] {
        guard let highest = positions.max(), let lowest = positions.min() else { return [:] }
        return try perform {
            try readSnapshot { db in
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT seq, hash FROM audit_events WHERE seq BETWEEN ? AND ? ORDER BY seq", arguments: [lowest, highest])
                var hashes: [Int64: String] = [:]
                while let row = try rows.next() {
                    let seq: Int64 = try row.decode(column: 0, of: "an audit event")
                    if positions.contains(seq) { hashes[seq] = try row.decode(column: 1, of: "audit event \(seq)") }
                }
                return hashes
            }
        }
    }

    public func verifyAuditChain() async throws -> AuditChainVerdict {
        try perform {
            try readSnapshot { db in
                let rows = try SteppedRows(db, sql: "SELECT \(AuditLog.selection) FROM audit_events ORDER BY seq")
                var chain = AuditChainCheck()
                while let row = try rows.next() {
                    if let broken = chain.check(try AuditEvent(row: row)) { return broken }
                }
                return chain.intact
            }
        }
    }
}
