import Foundation
import KeyStore
import GRDB

extension SQLiteKeyRegistry {
    public func addKey(_ draft: KeyDraft, secret: Secret?, actor: String) async throws -> KeyRecord {
        try write { db, now in
            let keyID = try insert(draft, db, now: now)
            var details = AuditDetails(["scopes": draft.scopes.description])
            if let secret {
                let fingerprint = secret.fingerprint
                try refuseRegistered(fingerprint, db)
                try db.executeCached(
                    sql: """
                        INSERT INTO key_versions (id, key_id, fingerprint, sha1, hint, issuer_ref, stage, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, 'current', ?)
                        """,
                    arguments: [
                        UUID().uuidString.lowercased(), keyID, fingerprint.rawValue, secret.sha1.rawValue, secret.hint, draft.issuerRef,
                        Timestamp.epochSeconds(now),
                    ])
                details["fingerprint"] = fingerprint.rawValue
            }
            try AuditLog.append(db, at: now, actor: actor, action: "key.add", key: (draft.name, draft.env), details: details)
            return try fetchKey(db, draft.name, draft.env)
        }
    }

    /// Throws `conflict` naming the key when a version with this fingerprint is registered already:
    /// one secret belongs to one key.
    func refuseRegistered(_ fingerprint: Fingerprint, _ db: Database) throws {
        if let holder = try Row.fetchOneCached(
            db, sql: "SELECT k.name, k.env FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE v.fingerprint = ?",
            arguments: [fingerprint.rawValue])
        {
            throw KeyStoreError.secretAlreadyRegistered(
                owner: try holder.decode(column: 0, of: "the key holding that secret"), env: try holder.decode(column: 1, of: "the key holding that secret"))
        }
    }

    /// Inserts the key row; throws `conflict` when the name is taken in that environment.
    func insert(_ draft: KeyDraft, _ db: Database, now: Date) throws -> String {
        let exists = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM keys WHERE env = ? AND name = ?", arguments: [draft.env.rawValue, draft.name.rawValue])
        if exists == true { throw KeyStoreError.keyExists(draft.name, draft.env) }
        let id = UUID().uuidString.lowercased()
        try db.executeCached(sql: KeyDraft.insertSQL, arguments: draft.insertArguments(id: id, now: now))
        return id
    }

    public func keyDetail(name: KeyName, env: EnvironmentName, recentEvents: Int) async throws -> KeyDetail {
        try perform {
            try readSnapshot { db in
                let key = try fetchKey(db, name, env)
                let versions = try Row.fetchAllCached(
                    db,
                    sql: """
                        SELECT \(KeyVersion.selection) FROM key_versions v
                        WHERE v.key_id = (SELECT id FROM keys WHERE env = ? AND name = ?)
                        ORDER BY v.created_at DESC, v.rowid DESC
                        """,
                    arguments: [env.rawValue, name.rawValue]
                ).map(KeyVersion.init(row:))
                let events = try Row.fetchAllCached(
                    db,
                    sql: "SELECT \(AuditLog.selection) FROM audit_events WHERE key_env = ? AND key_name = ? ORDER BY seq DESC LIMIT ?",
                    arguments: [env.rawValue, name.rawValue, recentEvents]
                ).map(AuditEvent.init(row:))
                return KeyDetail(key: key, versions: versions, recentEvents: events)
            }
        }
    }

    public func forEachKey(matching filter: KeyFilter, _ body: (KeyRecord) throws -> Void) async throws {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        if let env = filter.env {
            conditions.append("k.env = ?")
            arguments += [env.rawValue]
        }
        if let status = filter.status {
            conditions.append("k.status = ?")
            arguments += [status.rawValue]
        }
        if let owner = filter.owner {
            conditions.append("k.owner = ?")
            arguments += [owner]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        try perform {
            try readSnapshot { db in
                let rows = try SteppedRows(
                    db, sql: "SELECT \(KeyRecord.selection) FROM \(KeyRecord.source) \(whereClause) ORDER BY k.env, k.name", arguments: arguments)
                while let row = try rows.next() { try body(KeyRecord(row: row)) }
            }
        }
    }

    public func updateKey(name: KeyName, env: EnvironmentName, changes: KeyChanges, actor: String) async throws -> KeyRecord {
        guard !changes.isEmpty else {
            throw KeyStoreError(.invalidInput, "nothing to update: give at least one field to change")
        }
        return try write { db, now in
            var key = try fetchKey(db, name, env)
            let details = changes.apply(to: &key)
            try db.executeCached(
                sql: """
                    UPDATE keys SET scopes = ?, owner = ?, description = ?, labels = ?, max_age_seconds = ?, rotated_at = ?
                    WHERE env = ? AND name = ?
                    """,
                arguments: [
                    key.scopes.description, key.owner, key.description, LabelCoding.encode(key.labels),
                    key.maxAge?.seconds, key.rotatedAt.map(Timestamp.epochSeconds), env.rawValue, name.rawValue,
                ])
            try AuditLog.append(db, at: now, actor: actor, action: "key.update", key: (name, env), details: details)
            return key
        }
    }

    public func retireKey(name: KeyName, env: EnvironmentName, actor: String) async throws -> KeyRecord {
        try write { db, now in
            let key = try fetchKey(db, name, env)
            guard key.status != .retired else {
                throw KeyStoreError(.conflict, "key '\(name)' in '\(env)' is already retired")
            }
            try db.executeCached(sql: "UPDATE keys SET status = 'retired' WHERE env = ? AND name = ?", arguments: [env.rawValue, name.rawValue])
            try AuditLog.append(
                db, at: now, actor: actor, action: "key.retire", key: (name, env), details: AuditDetails(["previous_status": key.status.rawValue]))
            return try fetchKey(db, name, env)
        }
    }

    public func markCompromised(name: KeyName, env: EnvironmentName, reason: String, actor: String) async throws -> KeyRecord {
        try write { db, now in
            _ = try fetchKey(db, name, env)
            try compromise(db, name, env, reason: reason, actor: actor, now: now, details: AuditDetails())
            return try fetchKey(db, name, env)
        }
    }

    public func markCompromised(fingerprint: Fingerprint, reason: String, actor: String) async throws -> IdentifiedSecret {
        try write { db, now in
            guard let found = try identify(db, fingerprint) else {
                throw KeyStoreError(.notFound, "no registered key has this secret (\(fingerprint)); nothing was marked")
            }
            try compromise(
                db, found.key.name, found.key.env, reason: reason, actor: actor, now: now,
                details: AuditDetails(["fingerprint": fingerprint.rawValue, "version_stage": found.version.stage.rawValue]))
            return IdentifiedSecret(key: try fetchKey(db, found.key.name, found.key.env), version: found.version)
        }
    }

    /// Marks the key compromised; marking it again keeps the first date and records the new reason.
    private func compromise(
        _ db: Database, _ name: KeyName, _ env: EnvironmentName, reason: String, actor: String, now: Date, details: AuditDetails
    ) throws {
        try db.executeCached(
            sql: """
                UPDATE keys SET status = 'compromised', compromised_at = coalesce(compromised_at, ?), compromise_reason = ?
                WHERE env = ? AND name = ?
                """,
            arguments: [Timestamp.epochSeconds(now), reason, env.rawValue, name.rawValue])
        var details = details
        details["reason"] = reason
        try AuditLog.append(db, at: now, actor: actor, action: "key.compromise", key: (name, env), details: details)
    }

    public func identify(_ fingerprint: Fingerprint) async throws -> IdentifiedSecret? {
        try perform { try readSnapshot { db in try identify(db, fingerprint) } }
    }

    public func identify(sha1: SecretSHA1) async throws -> IdentifiedSecret? {
        try perform {
            try readSnapshot { db in
                guard let row = try Row.fetchOneCached(
                    db,
                    sql: """
                        SELECT \(KeyVersion.selection), k.name, k.env, v.sha1 FROM key_versions v JOIN keys k ON k.id = v.key_id
                        WHERE v.sha1 = ?
                        """,
                    arguments: [sha1.rawValue])
                else { return nil }
                let storedHex: String? = try row.decode(column: 9, of: "the key version with that SHA-1")
                guard let stored = storedHex.flatMap(SecretSHA1.init(hex:)), stored.matches(sha1) else { return nil }
                let key = try fetchKey(db, row)
                return IdentifiedSecret(key: key, version: try KeyVersion(row: row))
            }
        }
    }

    private func identify(_ db: Database, _ fingerprint: Fingerprint) throws -> IdentifiedSecret? {
        guard let row = try Row.fetchOneCached(
            db,
            sql: "SELECT \(KeyVersion.selection), k.name, k.env FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE v.fingerprint = ?",
            arguments: [fingerprint.rawValue])
        else { return nil }
        let version = try KeyVersion(row: row)
        guard version.fingerprint.matches(fingerprint) else { return nil }
        return IdentifiedSecret(key: try fetchKey(db, row), version: version)
    }

    /// The key of a key version read with `KeyVersion.selection` followed by `k.name, k.env`.
    private func fetchKey(_ db: Database, _ version: Row) throws -> KeyRecord {
        let record = "the key of key version \(DamagedRowLabel.value(try? version.decode(String.self, column: 0, of: "")))"
        return try fetchKey(
            db, KeyName(stored: try version.decode(column: 7, of: record)), EnvironmentName(stored: try version.decode(column: 8, of: record)))
    }

    func fetchKey(_ db: Database, _ name: KeyName, _ env: EnvironmentName) throws -> KeyRecord {
        guard let row = try Row.fetchOneCached(
            db, sql: "SELECT \(KeyRecord.selection) FROM \(KeyRecord.source) WHERE k.env = ? AND k.name = ?",
            arguments: [env.rawValue, name.rawValue])
        else { throw KeyStoreError.keyNotFound(name, env) }
        return try KeyRecord(row: row)
    }
}

extension KeyDraft {
    static let insertSQL = """
        INSERT INTO keys (id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, max_age_seconds)
        VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)
        """

    func insertArguments(id: String, now: Date) -> StatementArguments {
        [
            id, name.rawValue, env.rawValue, scopes.description, owner, description, LabelCoding.encode(labels),
            Timestamp.epochSeconds(createdAt ?? now), rotatedAt.map(Timestamp.epochSeconds), maxAge?.seconds,
        ]
    }
}
