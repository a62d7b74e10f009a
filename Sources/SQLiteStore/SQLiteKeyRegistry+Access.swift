import Foundation
import KeyStore
import GRDB

extension SQLiteKeyRegistry {
    public func grantAccess(to principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant {
        try write { db, now in
            let row = try keyRow(db, key)
            guard row.status != KeyStatus.retired.rawValue else {
                throw KeyStoreError(.conflict, "key \(key) is retired; no one needs access to it")
            }
            if let existing = try activeGrant(db, principal, row.id) {
                throw KeyStoreError(
                    .conflict,
                    "\(principal) already has access to \(key), granted \(Timestamp.format(existing.grantedAt)) by \(existing.grantedBy); nothing was changed")
            }
            let id = UUID().uuidString.lowercased()
            try db.executeCached(
                sql: "INSERT INTO access_grants (id, key_id, principal, granted_at, granted_by, reason) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, row.id, principal.rawValue, Timestamp.epochSeconds(now), actor, reason])
            var details = AuditDetails(["principal": principal.rawValue])
            details["reason"] = reason
            try AuditLog.append(db, at: now, actor: actor, action: "access.grant", key: (key.name, key.env), details: details)
            return try grant(db, id: id)
        }
    }

    public func revokeAccess(of principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant {
        try write { db, now in
            let row = try keyRow(db, key)
            guard let existing = try activeGrant(db, principal, row.id) else {
                throw KeyStoreError(
                    .notFound, "\(principal) has no access to \(key) to revoke; see `keyctl access list \(key.name) --env \(key.env)`")
            }
            try revoke(db, existing, key: key, reason: reason, actor: actor, now: now)
            return try grant(db, id: existing.id)
        }
    }

    public func accessGrants(matching filter: AccessFilter) async throws -> [AccessGrant] {
        try perform {
            try readSnapshot { db in
                var conditions: [String] = []
                var arguments: StatementArguments = []
                if let key = filter.key {
                    _ = try keyRow(db, key)
                    conditions.append("k.env = ? AND k.name = ?")
                    arguments += [key.env.rawValue, key.name.rawValue]
                }
                if let principal = filter.principal {
                    conditions.append("g.principal = ?")
                    arguments += [principal.rawValue]
                }
                if !filter.includeRevoked { conditions.append("g.revoked_at IS NULL") }
                let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
                return try Row.fetchAll(
                    db, sql: "SELECT \(AccessGrant.selection) FROM \(AccessGrant.source) \(whereClause) ORDER BY k.env, k.name, g.principal, g.granted_at, g.rowid",
                    arguments: arguments
                ).map(AccessGrant.init(row:))
            }
        }
    }

    public func offboard(_ principal: Principal, reason: String, configuredKeys: Set<KeyReference>, actor: String) async throws -> Offboarding {
        try write { db, now in
            // Grants in force, and grants revoked after the key's last rotation: either way the
            // principal may know the key's current secret.
            let grants = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(AccessGrant.selection), k.status FROM \(AccessGrant.source)
                    WHERE g.principal = ? AND (g.revoked_at IS NULL OR g.revoked_at > coalesce(k.rotated_at, k.created_at))
                    ORDER BY k.env, k.name, g.granted_at, g.rowid
                    """,
                arguments: [principal.rawValue])
            var sources: [KeyReference: AccessSource] = [:]
            var retired: Set<KeyReference> = []
            var revoked: [AccessGrant] = []
            for row in grants {
                let grant = try AccessGrant(row: row)
                let key = KeyReference(grant.keyName, grant.keyEnv)
                if try row.decode(String?.self, column: 10, of: "grant \(grant.id)") == KeyStatus.retired.rawValue { retired.insert(key) }
                sources[key] = .registry
                guard grant.isActive else { continue }
                try revoke(db, grant, key: key, reason: "offboarding: \(reason)", actor: actor, now: now)
                revoked.append(try self.grant(db, id: grant.id))
            }
            for key in configuredKeys {
                if try keyRow(db, key).status == KeyStatus.retired.rawValue { retired.insert(key) }
                sources[key] = sources[key].map { $0.combined(with: .config) } ?? .config
            }
            let flagged = sources.filter { !retired.contains($0.key) }.sorted { $0.key < $1.key }
            guard !flagged.isEmpty || !revoked.isEmpty else {
                throw KeyStoreError(
                    .notFound,
                    "\(principal) could read no key: no grant in the registry and no `readers` entry in keyctl.toml names it; nothing was recorded (check the spelling with `keyctl access list`)")
            }
            for (key, source) in flagged {
                try db.executeCached(
                    sql: """
                        INSERT INTO offboardings (id, key_id, principal, at, reason, actor, source)
                        VALUES (?, (SELECT id FROM keys WHERE env = ? AND name = ?), ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        UUID().uuidString.lowercased(), key.env.rawValue, key.name.rawValue, principal.rawValue, Timestamp.epochSeconds(now),
                        reason, actor, source.rawValue,
                    ])
                try AuditLog.append(
                    db, at: now, actor: actor, action: "key.offboarding", key: (key.name, key.env),
                    details: AuditDetails(["principal": principal.rawValue, "reason": reason, "source": source.rawValue]))
            }
            return Offboarding(
                principal: principal, at: now, revoked: revoked,
                flagged: flagged.map { Offboarding.FlaggedKey(key: $0.key, source: $0.value) })
        }
    }

    // MARK: Helpers

    private func revoke(_ db: Database, _ grant: AccessGrant, key: KeyReference, reason: String?, actor: String, now: Date) throws {
        try db.executeCached(
            sql: "UPDATE access_grants SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL",
            arguments: [Timestamp.epochSeconds(now), actor, reason, grant.id])
        var details = AuditDetails(["principal": grant.principal.rawValue])
        details["reason"] = reason
        try AuditLog.append(db, at: now, actor: actor, action: "access.revoke", key: (key.name, key.env), details: details)
    }

    /// The key's id and status; throws `notFound`.
    private func keyRow(_ db: Database, _ key: KeyReference) throws -> (id: String, status: String) {
        guard let row = try Row.fetchOneCached(
            db, sql: "SELECT id, status FROM keys WHERE env = ? AND name = ?", arguments: [key.env.rawValue, key.name.rawValue])
        else { throw KeyStoreError.keyNotFound(key.name, key.env) }
        return (try row.decode(column: 0, of: "key \(key)"), try row.decode(column: 1, of: "key \(key)"))
    }

    private func activeGrant(_ db: Database, _ principal: Principal, _ keyID: String) throws -> AccessGrant? {
        try Row.fetchOneCached(
            db, sql: "SELECT \(AccessGrant.selection) FROM \(AccessGrant.source) WHERE g.key_id = ? AND g.principal = ? AND g.revoked_at IS NULL",
            arguments: [keyID, principal.rawValue]
        ).map(AccessGrant.init(row:))
    }

    private func grant(_ db: Database, id: String) throws -> AccessGrant {
        guard let row = try Row.fetchOneCached(
            db, sql: "SELECT \(AccessGrant.selection) FROM \(AccessGrant.source) WHERE g.id = ?", arguments: [id])
        else { throw KeyStoreError(.notFound, "no access grant \(id)") }
        return try AccessGrant(row: row)
    }
}

extension AccessGrant {
    /// The columns `init(row:)` reads, in order; `g` is `access_grants`, `k` its key.
    static let selection = """
        g.id, k.name, k.env, g.principal, g.granted_at, g.granted_by, g.reason, g.revoked_at, g.revoked_by, g.revoke_reason
        """
    static let source = "access_grants g JOIN keys k ON k.id = g.key_id"

    /// Decodes a row selected with `selection`; throws `registryUnreadable` naming the grant when a
    /// column holds what keyctl never writes.
    init(row: some StoredRow) throws(KeyStoreError) {
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
