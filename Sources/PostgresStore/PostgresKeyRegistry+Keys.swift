import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry: KeyRegistry {
    public func addKey(_ draft: KeyDraft, secret: Secret?, actor: String) async throws -> KeyRecord {
        try await write { connection, now in
            let keyID = try await insert(draft, connection, now: now)
            var details = AuditDetails(["scopes": draft.scopes.description])
            if let secret {
                let fingerprint = secret.fingerprint
                try await refuseRegistered(fingerprint, connection)
                try await connection.run(
                    """
                    INSERT INTO key_versions (id, key_id, fingerprint, sha1, hint, issuer_ref, stage, created_at)
                    VALUES (\(UUID().uuidString.lowercased()), \(keyID), \(fingerprint.rawValue), \(secret.sha1.rawValue),
                            \(secret.hint), \(draft.issuerRef), 'current', \(Timestamp.epochSeconds(now)))
                    """)
                details["fingerprint"] = fingerprint.rawValue
            }
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "key.add", key: (draft.name, draft.env), details: details)
            return try await fetchKey(connection, draft.name, draft.env)
        }
    }

    /// Throws `conflict` naming the key when a version with this fingerprint is registered already:
    /// one secret belongs to one key.
    func refuseRegistered(_ fingerprint: Fingerprint, _ connection: PostgresConnection) async throws {
        if let holder = try await connection.first(
            "SELECT k.name, k.env FROM key_versions v JOIN keys k ON k.id = v.key_id WHERE v.fingerprint = \(fingerprint.rawValue)")
        {
            throw KeyStoreError.secretAlreadyRegistered(
                owner: try holder.decode(column: 0, of: "a key"), env: try holder.decode(column: 1, of: "a key"))
        }
    }

    /// Inserts the key row; throws `conflict` when the name is taken in that environment.
    func insert(_ draft: KeyDraft, _ connection: PostgresConnection, now: Date) async throws -> String {
        let exists = try await connection.first(
            "SELECT 1 FROM keys WHERE env = \(draft.env.rawValue) AND name = \(draft.name.rawValue)")
        if exists != nil { throw KeyStoreError.keyExists(draft.name, draft.env) }
        let id = UUID().uuidString.lowercased()
        var statement = SQLQuery(KeyDraft.postgresInsertPrefix)
        draft.appendValues(to: &statement, id: id, now: now)
        try await connection.run(statement.query)
        return id
    }

    public func keyDetail(name: KeyName, env: EnvironmentName, recentEvents: Int) async throws -> KeyDetail {
        try await read { connection in
            let key = try await fetchKey(connection, name, env)
            let versions = try await connection.all(
                """
                SELECT \(unescaped: KeyVersion.postgresSelection) FROM key_versions v
                WHERE v.key_id = (SELECT id FROM keys WHERE env = \(env.rawValue) AND name = \(name.rawValue))
                ORDER BY v.created_at DESC, v.rowid DESC
                """
            ).map(KeyVersion.init(postgresRow:))
            let events = try await connection.all(
                """
                SELECT \(unescaped: PostgresAuditLog.selection) FROM audit_events
                WHERE key_env = \(env.rawValue) AND key_name = \(name.rawValue) ORDER BY seq DESC LIMIT \(Int64(recentEvents))
                """
            ).map(AuditEvent.init(postgresRow:))
            return KeyDetail(key: key, versions: versions, recentEvents: events)
        }
    }

    public func forEachKey(matching filter: KeyFilter, _ body: (KeyRecord) throws -> Void) async throws {
        var query = SQLQuery("SELECT \(KeyRecord.postgresSelection) FROM \(KeyRecord.postgresSource)")
        var conditions: [String] = []
        if let env = filter.env { conditions.append("k.env = \(query.bind(env.rawValue))") }
        if let status = filter.status { conditions.append("k.status = \(query.bind(status.rawValue))") }
        if let owner = filter.owner { conditions.append("k.owner = \(query.bind(owner))") }
        if !conditions.isEmpty { query.append(" WHERE " + conditions.joined(separator: " AND ")) }
        query.append(" ORDER BY k.env, k.name")
        try await streamKeys(query, body)
    }

    /// Calls `body` with each key `query` selects, streamed from one snapshot: the rows are
    /// decoded as they arrive, never all held at once.
    func streamKeys(_ query: SQLQuery, _ body: (KeyRecord) throws -> Void) async throws(KeyStoreError) {
        try await read { connection in
            for try await row in try await connection.stream(query.query) {
                try body(KeyRecord(postgresRow: row.makeRandomAccess()))
            }
        }
    }

    public func updateKey(name: KeyName, env: EnvironmentName, changes: KeyChanges, actor: String) async throws -> KeyRecord {
        guard !changes.isEmpty else {
            throw KeyStoreError(.invalidInput, "nothing to update: give at least one field to change")
        }
        return try await write { connection, now in
            var key = try await fetchKey(connection, name, env)
            let details = changes.apply(to: &key)
            try await connection.run(
                """
                UPDATE keys SET scopes = \(key.scopes.description), owner = \(key.owner), description = \(key.description),
                    labels = \(LabelsColumn.encode(key.labels)), max_age_seconds = \(key.maxAge?.seconds),
                    rotated_at = \(key.rotatedAt.map(Timestamp.epochSeconds))
                WHERE env = \(env.rawValue) AND name = \(name.rawValue)
                """)
            try await PostgresAuditLog.append(connection, at: now, actor: actor, action: "key.update", key: (name, env), details: details)
            return key
        }
    }

    public func retireKey(name: KeyName, env: EnvironmentName, actor: String) async throws -> KeyRecord {
        try await write { connection, now in
            let key = try await fetchKey(connection, name, env)
            guard key.status != .retired else {
                throw KeyStoreError(.conflict, "key '\(name)' in '\(env)' is already retired")
            }
            try await connection.run("UPDATE keys SET status = 'retired' WHERE env = \(env.rawValue) AND name = \(name.rawValue)")
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "key.retire", key: (name, env),
                details: AuditDetails(["previous_status": key.status.rawValue]))
            return try await fetchKey(connection, name, env)
        }
    }

    public func markCompromised(name: KeyName, env: EnvironmentName, reason: String, actor: String) async throws -> KeyRecord {
        try await write { connection, now in
            _ = try await fetchKey(connection, name, env)
            try await compromise(connection, name, env, reason: reason, actor: actor, now: now, details: AuditDetails())
            return try await fetchKey(connection, name, env)
        }
    }

    public func markCompromised(fingerprint: Fingerprint, reason: String, actor: String) async throws -> IdentifiedSecret {
        try await write { connection, now in
            guard let found = try await identify(connection, fingerprint) else {
                throw KeyStoreError(.notFound, "no registered key has this secret (\(fingerprint)); nothing was marked")
            }
            try await compromise(
                connection, found.key.name, found.key.env, reason: reason, actor: actor, now: now,
                details: AuditDetails(["fingerprint": fingerprint.rawValue, "version_stage": found.version.stage.rawValue]))
            return IdentifiedSecret(key: try await fetchKey(connection, found.key.name, found.key.env), version: found.version)
        }
    }

    /// Marks the key compromised; marking it again keeps the first date and records the new reason.
    private func compromise(
        _ connection: PostgresConnection, _ name: KeyName, _ env: EnvironmentName, reason: String, actor: String, now: Date,
        details: AuditDetails
    ) async throws {
        try await connection.run(
            """
            UPDATE keys SET status = 'compromised', compromised_at = coalesce(compromised_at, \(Timestamp.epochSeconds(now))),
                compromise_reason = \(reason)
            WHERE env = \(env.rawValue) AND name = \(name.rawValue)
            """)
        var details = details
        details["reason"] = reason
        try await PostgresAuditLog.append(connection, at: now, actor: actor, action: "key.compromise", key: (name, env), details: details)
    }

    public func identify(_ fingerprint: Fingerprint) async throws -> IdentifiedSecret? {
        try await read { connection in try await identify(connection, fingerprint) }
    }

    public func identify(sha1: SecretSHA1) async throws -> IdentifiedSecret? {
        try await read { connection in
            guard let row = try await connection.first(
                """
                SELECT \(unescaped: KeyVersion.postgresSelection), k.name, k.env, v.sha1 FROM key_versions v
                JOIN keys k ON k.id = v.key_id WHERE v.sha1 = \(sha1.rawValue) LIMIT 1
                """)
            else { return nil }
            let storedHex: String? = try row.decode(column: 9, of: "key version")
            guard let stored = storedHex.flatMap(SecretSHA1.init(hex:)), stored.matches(sha1) else { return nil }
            let key = try await fetchKey(
                connection, KeyName(stored: try row.decode(column: 7, of: "key version")),
                EnvironmentName(stored: try row.decode(column: 8, of: "key version")))
            return IdentifiedSecret(key: key, version: try KeyVersion(postgresRow: row))
        }
    }

    private func identify(_ connection: PostgresConnection, _ fingerprint: Fingerprint) async throws -> IdentifiedSecret? {
        guard let row = try await connection.first(
            """
            SELECT \(unescaped: KeyVersion.postgresSelection), k.name, k.env FROM key_versions v JOIN keys k ON k.id = v.key_id
            WHERE v.fingerprint = \(fingerprint.rawValue)
            """)
        else { return nil }
        let version = try KeyVersion(postgresRow: row)
        guard version.fingerprint.matches(fingerprint) else { return nil }
        let key = try await fetchKey(
            connection, KeyName(stored: try row.decode(column: 7, of: "key version")),
            EnvironmentName(stored: try row.decode(column: 8, of: "key version")))
        return IdentifiedSecret(key: key, version: version)
    }

    /// The key, with its current version and latest offboarding. Throws `notFound`.
    func fetchKey(_ connection: PostgresConnection, _ name: KeyName, _ env: EnvironmentName) async throws -> KeyRecord {
        guard let row = try await connection.first(
            """
            SELECT \(unescaped: KeyRecord.postgresSelection) FROM \(unescaped: KeyRecord.postgresSource)
            WHERE k.env = \(env.rawValue) AND k.name = \(name.rawValue)
            """)
        else { throw KeyStoreError.keyNotFound(name, env) }
        return try KeyRecord(postgresRow: row)
    }
}

extension KeyDraft {
    /// `INSERT INTO keys` up to `VALUES`; each row's values are added by `appendValues`.
    static let postgresInsertPrefix =
        "INSERT INTO keys (id, name, env, scopes, owner, description, labels, status, created_at, rotated_at, max_age_seconds) VALUES "

    /// Appends this draft's row, `(…)`, binding its values.
    func appendValues(to statement: inout SQLQuery, id: String, now: Date) {
        let values = [
            statement.bind(id), statement.bind(name.rawValue), statement.bind(env.rawValue), statement.bind(scopes.description),
            statement.bind(owner), statement.bind(description), statement.bind(LabelsColumn.encode(labels)), "'active'",
            statement.bind(Timestamp.epochSeconds(createdAt ?? now)), statement.bind(rotatedAt.map(Timestamp.epochSeconds)),
            statement.bind(maxAge?.seconds),
        ]
        statement.append("(" + values.joined(separator: ", ") + ")")
    }
}
