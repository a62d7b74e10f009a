import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry: AccessRegistry {
    public func grantAccess(to principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant {
        try await write { connection, now in
            let row = try await keyRow(connection, key)
            guard row.status != KeyStatus.retired.rawValue else {
                throw KeyStoreError(.conflict, "key \(key) is retired; no one needs access to it")
            }
            if let existing = try await activeGrant(connection, principal, row.id) {
                throw KeyStoreError(
                    .conflict,
                    "\(principal) already has access to \(key), granted \(Timestamp.format(existing.grantedAt)) by \(existing.grantedBy); nothing was changed")
            }
            let id = UUID().uuidString.lowercased()
            try await connection.run(
                """
                INSERT INTO access_grants (id, key_id, principal, granted_at, granted_by, reason)
                VALUES (\(id), \(row.id), \(principal.rawValue), \(Timestamp.epochSeconds(now)), \(actor), \(reason))
                """)
            var details = AuditDetails(["principal": principal.rawValue])
            details["reason"] = reason
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "access.grant", key: (key.name, key.env), details: details)
            return try await grant(connection, id: id)
        }
    }

    public func revokeAccess(of principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant {
        try await write { connection, now in
            let row = try await keyRow(connection, key)
            guard let existing = try await activeGrant(connection, principal, row.id) else {
                throw KeyStoreError(
                    .notFound, "\(principal) has no access to \(key) to revoke; see `keyctl access list \(key.name) --env \(key.env)`")
            }
            try await revoke(connection, existing, key: key, reason: reason, actor: actor, now: now)
            return try await grant(connection, id: existing.id)
        }
    }

    public func accessGrants(matching filter: AccessFilter) async throws -> [AccessGrant] {
        try await read { connection in
            var query = SQLQuery("SELECT \(AccessGrant.postgresSelection) FROM \(AccessGrant.postgresSource)")
            var conditions: [String] = []
            if let key = filter.key {
                _ = try await keyRow(connection, key)
                conditions.append("k.env = \(query.bind(key.env.rawValue)) AND k.name = \(query.bind(key.name.rawValue))")
            }
            if let principal = filter.principal { conditions.append("g.principal = \(query.bind(principal.rawValue))") }
            if !filter.includeRevoked { conditions.append("g.revoked_at IS NULL") }
            if !conditions.isEmpty { query.append(" WHERE " + conditions.joined(separator: " AND ")) }
            query.append(" ORDER BY k.env, k.name, g.principal, g.granted_at, g.rowid")
            return try await connection.all(query.query).map(AccessGrant.init(postgresRow:))
        }
    }

    public func offboard(_ principal: Principal, reason: String, configuredKeys: Set<KeyReference>, actor: String) async throws -> Offboarding {
        try await write { connection, now in
            // Grants in force, and grants revoked after the key's last rotation: either way the
            // principal may know the key's current secret.
            let grants = try await connection.all(
                """
                SELECT \(unescaped: AccessGrant.postgresSelection), k.status FROM \(unescaped: AccessGrant.postgresSource)
                WHERE g.principal = \(principal.rawValue) AND (g.revoked_at IS NULL OR g.revoked_at > coalesce(k.rotated_at, k.created_at))
                ORDER BY k.env, k.name, g.granted_at, g.rowid
                """)
            var sources: [KeyReference: AccessSource] = [:]
            var retired: Set<KeyReference> = []
            var revoked: [AccessGrant] = []
            for row in grants {
                let grant = try AccessGrant(postgresRow: row)
                let key = KeyReference(grant.keyName, grant.keyEnv)
                if try row.decode(String?.self, column: 10, of: "access grant \(grant.id)") == KeyStatus.retired.rawValue {
                    retired.insert(key)
                }
                sources[key] = .registry
                guard grant.isActive else { continue }
                try await revoke(connection, grant, key: key, reason: "offboarding: \(reason)", actor: actor, now: now)
                revoked.append(try await self.grant(connection, id: grant.id))
            }
            for key in configuredKeys {
                if try await keyRow(connection, key).status == KeyStatus.retired.rawValue { retired.insert(key) }
                sources[key] = sources[key].map { $0.combined(with: .config) } ?? .config
            }
            let flagged = sources.filter { !retired.contains($0.key) }.sorted { $0.key < $1.key }
            guard !flagged.isEmpty || !revoked.isEmpty else {
                throw KeyStoreError(
                    .notFound,
                    "\(principal) could read no key: no grant in the registry and no `readers` entry in keyctl.toml names it; nothing was recorded (check the spelling with `keyctl access list`)")
            }
            for (key, source) in flagged {
                try await connection.run(
                    """
                    INSERT INTO offboardings (id, key_id, principal, at, reason, actor, source)
                    VALUES (\(UUID().uuidString.lowercased()), (SELECT id FROM keys WHERE env = \(key.env.rawValue) AND name = \(key.name.rawValue)),
                            \(principal.rawValue), \(Timestamp.epochSeconds(now)), \(reason), \(actor), \(source.rawValue))
                    """)
                try await PostgresAuditLog.append(
                    connection, at: now, actor: actor, action: "key.offboarding", key: (key.name, key.env),
                    details: AuditDetails(["principal": principal.rawValue, "reason": reason, "source": source.rawValue]))
            }
            return Offboarding(
                principal: principal, at: now, revoked: revoked,
                flagged: flagged.map { Offboarding.FlaggedKey(key: $0.key, source: $0.value) })
        }
    }

    // MARK: Helpers

    private func revoke(
        _ connection: PostgresConnection, _ grant: AccessGrant, key: KeyReference, reason: String?, actor: String, now: Date
    ) async throws {
        try await connection.run(
            """
            UPDATE access_grants SET revoked_at = \(Timestamp.epochSeconds(now)), revoked_by = \(actor), revoke_reason = \(reason)
            WHERE id = \(grant.id) AND revoked_at IS NULL
            """)
        var details = AuditDetails(["principal": grant.principal.rawValue])
        details["reason"] = reason
        try await PostgresAuditLog.append(connection, at: now, actor: actor, action: "access.revoke", key: (key.name, key.env), details: details)
    }

    /// The key's id and status; throws `notFound`.
    private func keyRow(_ connection: PostgresConnection, _ key: KeyReference) async throws -> (id: String, status: String) {
        guard let row = try await connection.first(
            "SELECT id, status FROM keys WHERE env = \(key.env.rawValue) AND name = \(key.name.rawValue)")
        else { throw KeyStoreError.keyNotFound(key.name, key.env) }
        return (try row.decode(column: 0, of: "key \(key)"), try row.decode(column: 1, of: "key \(key)"))
    }

    private func activeGrant(_ connection: PostgresConnection, _ principal: Principal, _ keyID: String) async throws -> AccessGrant? {
        try await connection.first(
            """
            SELECT \(unescaped: AccessGrant.postgresSelection) FROM \(unescaped: AccessGrant.postgresSource)
            WHERE g.key_id = \(keyID) AND g.principal = \(principal.rawValue) AND g.revoked_at IS NULL
            """
        ).map(AccessGrant.init(postgresRow:))
    }

    private func grant(_ connection: PostgresConnection, id: String) async throws -> AccessGrant {
        guard let row = try await connection.first(
            "SELECT \(unescaped: AccessGrant.postgresSelection) FROM \(unescaped: AccessGrant.postgresSource) WHERE g.id = \(id)")
        else { throw KeyStoreError(.notFound, "no access grant \(id)") }
        return try AccessGrant(postgresRow: row)
    }
}

extension AccessGrant {
    /// The columns `init(postgresRow:)` reads, in order; `g` is `access_grants`, `k` its key.
    static let postgresSelection = """
        g.id, k.name, k.env, g.principal, g.granted_at, g.granted_by, g.reason, g.revoked_at, g.revoked_by, g.revoke_reason
        """
    static let postgresSource = "access_grants g JOIN keys k ON k.id = g.key_id"

    /// Decodes a row selected with `postgresSelection`; throws `registryUnreadable` naming the grant.
    init(postgresRow row: PostgresRandomAccessRow) throws(KeyStoreError) {
        func grant() -> String { "access grant \(DamagedRowLabel.value(try? row.decode(String.self, column: 0, of: "")))" }
        let date = Date.init(registryEpochSeconds:)
        self.init(
            id: try row.decode(column: 0, of: grant()), keyName: try row.decode(column: 1, of: grant(), as: KeyName.init(_:)),
            keyEnv: try row.decode(column: 2, of: grant(), as: EnvironmentName.init(_:)),
            principal: try row.decode(column: 3, of: grant(), as: Principal.init(_:)),
            grantedAt: try row.decode(column: 4, of: grant(), as: date), grantedBy: try row.decode(column: 5, of: grant()),
            reason: try row.decode(column: 6, of: grant()), revokedAt: try row.decodeIfPresent(column: 7, of: grant(), as: date),
            revokedBy: try row.decode(column: 8, of: grant()), revokeReason: try row.decode(column: 9, of: grant()))
    }
}
