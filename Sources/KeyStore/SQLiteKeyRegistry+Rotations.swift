import Foundation
import GRDB

extension KeyStoreError {
    /// The key is held by `rotation`: exit 75, naming it and how to resume or abort it.
    public static func rotationInFlight(_ rotation: RotationRecord) -> Self {
        .init(
            .busy,
            "key '\(rotation.keyName)' in '\(rotation.env)' is locked by rotation \(rotation.id) (\(rotation.state.rawValue), started \(Timestamp.format(rotation.startedAt)) by \(rotation.actor)); resume it with `keyctl rotate \(rotation.keyName) --env \(rotation.env) --resume` or abort it with --abort")
    }
}

extension SQLiteKeyRegistry: RotationLedger {
    public func beginRotation(name: KeyName, env: EnvironmentName, plan: RotationPlan, actor: String) async throws -> RotationRecord {
        try await writeSuspending { [self] db, now in
            guard let key = try Row.fetchOneCached(
                db, sql: "SELECT k.id, k.status, v.id FROM \(KeyRecord.source) WHERE k.env = ? AND k.name = ?",
                arguments: [env.rawValue, name.rawValue])
            else { throw KeyStoreError.keyNotFound(name, env) }
            if (key[1] as String) == KeyStatus.retired.rawValue {
                throw KeyStoreError(.conflict, "key '\(name)' in '\(env)' is retired; retired keys are not rotated")
            }
            if let inFlight = try fetchRotationInFlight(db, keyID: key[0]) { throw KeyStoreError.rotationInFlight(inFlight) }
            let id = UUID().uuidString.lowercased()
            let targets = String(decoding: try JSONEncoder().encode(plan.targets), as: UTF8.self)
            let at = Timestamp.epochSeconds(now)
            do {
                try db.executeCached(
                    sql: """
                        INSERT INTO rotations (id, key_id, state, emergency, grace_seconds, issuer, targets, verifier,
                            idempotency_key, old_version_id, actor, started_at, updated_at)
                        VALUES (?, ?, 'create', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, key[0] as String, plan.emergency, plan.grace.seconds, plan.issuer, targets, plan.verifier,
                        UUID().uuidString.lowercased(), key[2] as String?, actor, at, at,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                if let inFlight = try fetchRotationInFlight(db, keyID: key[0]) { throw KeyStoreError.rotationInFlight(inFlight) }
                throw error
            }
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.begin", key: (name, env),
                details: AuditDetails([
                    "rotation": id, "issuer": plan.issuer, "targets": plan.targets.joined(separator: ","),
                    "grace": plan.grace.description, "emergency": String(plan.emergency),
                ]))
            return try fetchRotation(db, id)
        }
    }

    public func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try perform {
            try database.read { db in
                try Row.fetchOneCached(
                    db,
                    sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE k.env = ? AND k.name = ? AND r.state NOT IN ('done', 'aborted')",
                    arguments: [env.rawValue, name.rawValue]
                ).map(RotationRecord.init(row:))
            }
        }
    }

    public func rotations(inFlightOnly: Bool) async throws -> [RotationRecord] {
        try perform {
            try database.read { db in
                try Row.fetchAllCached(
                    db,
                    sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) \(inFlightOnly ? "WHERE r.state NOT IN ('done', 'aborted')" : "") ORDER BY r.started_at DESC, r.rowid DESC"
                ).map(RotationRecord.init(row:))
            }
        }
    }

    public func journal(rotationID: String, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws {
        try await writeSuspending { db, now in
            try db.executeCached(
                sql: """
                    INSERT INTO rotation_steps (rotation_id, seq, step, target, phase, at, detail)
                    VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM rotation_steps WHERE rotation_id = ?), ?, ?, ?, ?, ?)
                    """,
                arguments: [rotationID, rotationID, step.rawValue, target, phase.rawValue, Timestamp.epochSeconds(now), detail])
        }
    }

    public func recordCreated(
        rotationID: String, fingerprint: Fingerprint, hint: String, issuerRef: String?, sealedSecret: [UInt8], actor: String
    ) async throws -> RotationRecord {
        try await transition(rotationID, from: [.create], actor: actor, action: "rotation.created", details: { _ in ["fingerprint": fingerprint.rawValue] }) { [self] db, rotation, now in
            try refuseRegistered(fingerprint, db)
            let versionID = UUID().uuidString.lowercased()
            try db.executeCached(
                sql: """
                    INSERT INTO key_versions (id, key_id, fingerprint, hint, issuer_ref, stage, created_at)
                    SELECT ?, key_id, ?, ?, ?, 'pending', ? FROM rotations WHERE id = ?
                    """,
                arguments: [versionID, fingerprint.rawValue, hint, issuerRef, Timestamp.epochSeconds(now), rotationID])
            try db.executeCached(
                sql: "UPDATE rotations SET state = 'deploy', new_version_id = ?, sealed_secret = ? WHERE id = ?",
                arguments: [versionID, Data(sealedSecret), rotationID])
        }
    }

    public func recordSnapshot(rotationID: String, targetIndex: Int, sealedValue: [UInt8]?, actor: String) async throws -> RotationRecord {
        try await transition(rotationID, from: [.deploy], actor: actor, action: "rotation.snapshot", details: { ["target": $0.targets[safe: targetIndex] ?? "?"] }) { db, rotation, _ in
            guard rotation.snapshotsTaken == targetIndex, targetIndex < rotation.targets.count else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot snapshot target \(targetIndex) now")
            }
            try db.executeCached(
                sql: "INSERT OR REPLACE INTO rotation_snapshots (rotation_id, target_index, sealed_value) VALUES (?, ?, ?)",
                arguments: [rotationID, targetIndex, sealedValue.map { Data($0) }])
            try db.executeCached(sql: "UPDATE rotations SET snapshots_taken = ? WHERE id = ?", arguments: [targetIndex + 1, rotationID])
        }
    }

    public func recordDeployed(rotationID: String, targetIndex: Int, actor: String) async throws -> RotationRecord {
        try await transition(rotationID, from: [.deploy], actor: actor, action: "rotation.deployed", details: { ["target": $0.targets[safe: targetIndex] ?? "?"] }) { db, rotation, _ in
            guard rotation.deployedCount == targetIndex, rotation.snapshotsTaken > targetIndex else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot record target \(targetIndex) as deployed now")
            }
            let next = targetIndex + 1 == rotation.targets.count ? "verify" : "deploy"
            try db.executeCached(
                sql: "UPDATE rotations SET deployed_count = ?, state = ? WHERE id = ?", arguments: [targetIndex + 1, next, rotationID])
        }
    }

    public func recordVerified(rotationID: String, graceUntil: Date, actor: String) async throws -> RotationRecord {
        try await transition(rotationID, from: [.verify], actor: actor, action: "rotation.verified", details: { _ in ["grace_until": Timestamp.format(graceUntil)] }) { db, rotation, now in
            try db.executeCached(sql: "UPDATE key_versions SET stage = 'previous' WHERE id = ?", arguments: [rotation.oldVersionID])
            try db.executeCached(sql: "UPDATE key_versions SET stage = 'current' WHERE id = ?", arguments: [rotation.newVersionID])
            try db.executeCached(
                sql: """
                    UPDATE rotations SET (prior_rotated_at, prior_status, prior_compromised_at, prior_compromise_reason) =
                        (SELECT rotated_at, status, compromised_at, compromise_reason FROM keys WHERE id = rotations.key_id)
                    WHERE id = ?
                    """,
                arguments: [rotationID])
            try db.executeCached(
                sql: """
                    UPDATE keys SET rotated_at = ?, status = 'active', compromised_at = NULL, compromise_reason = NULL
                    WHERE id = (SELECT key_id FROM rotations WHERE id = ?)
                    """,
                arguments: [Timestamp.epochSeconds(now), rotationID])
            try db.executeCached(
                sql: "UPDATE rotations SET state = 'grace', promoted = 1, grace_until = ? WHERE id = ?",
                arguments: [Timestamp.epochSeconds(graceUntil), rotationID])
        }
    }

    public func recordDeleteStarting(rotationID: String, actor: String) async throws -> RotationRecord {
        try await transition(rotationID, from: [.grace], actor: actor, action: "rotation.delete_started", details: { _ in [:] }) { db, _, _ in
            try db.executeCached(sql: "UPDATE rotations SET state = 'delete' WHERE id = ?", arguments: [rotationID])
        }
    }

    public func recordDeleted(rotationID: String, actor: String) async throws -> RotationRecord {
        try await transition(rotationID, from: [.delete], actor: actor, action: "rotation.deleted", details: { _ in [:] }) { db, rotation, now in
            try db.executeCached(
                sql: "UPDATE key_versions SET stage = 'revoked', revoked_at = ? WHERE id = ?",
                arguments: [Timestamp.epochSeconds(now), rotation.oldVersionID])
            try db.executeCached(sql: "UPDATE rotations SET state = 'confirm' WHERE id = ?", arguments: [rotationID])
        }
    }

    public func recordDone(rotationID: String, oldStillValid: Bool?, actor: String) async throws -> RotationRecord {
        let details = oldStillValid.map { ["old_secret_rejected": String(!$0)] } ?? [:]
        return try await transition(rotationID, from: [.confirm], actor: actor, action: "rotation.done", details: { _ in details }) { db, _, now in
            try db.executeCached(
                sql: "UPDATE rotations SET state = 'done', old_still_valid = ?, finished_at = ?, sealed_secret = NULL WHERE id = ?",
                arguments: [oldStillValid, Timestamp.epochSeconds(now), rotationID])
            try db.executeCached(sql: "UPDATE rotation_snapshots SET sealed_value = NULL WHERE rotation_id = ?", arguments: [rotationID])
        }
    }

    public func recordFailed(rotationID: String, message: String, actor: String) async throws -> RotationRecord {
        try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.state.isInFlight else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) has ended (\(rotation.state.rawValue))")
            }
            try db.executeCached(
                sql: "UPDATE rotations SET failed_step = ?, state = 'failed', failure = ?, updated_at = ? WHERE id = ?",
                arguments: [rotation.resumeState.rawValue, message, Timestamp.epochSeconds(now), rotationID])
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.failed", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotationID, "step": rotation.resumeState.rawValue, "error": message]))
            return try fetchRotation(db, rotationID)
        }
    }

    public func recordAborted(rotationID: String, actor: String) async throws -> RotationRecord {
        try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.state.isInFlight, !rotation.isPastPointOfNoReturn else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot be aborted at \(rotation.resumeState.rawValue)")
            }
            let at = Timestamp.epochSeconds(now)
            try db.executeCached(
                sql: "UPDATE key_versions SET stage = 'revoked', revoked_at = ? WHERE id = ?", arguments: [at, rotation.newVersionID])
            if rotation.promoted {
                try db.executeCached(sql: "UPDATE key_versions SET stage = 'current' WHERE id = ?", arguments: [rotation.oldVersionID])
                // The key as it was before the new version was promoted (rotations promoted before
                // schema 3 recorded nothing, and keep the key as it is).
                try db.executeCached(
                    sql: """
                        UPDATE keys SET (rotated_at, status, compromised_at, compromise_reason) =
                            (SELECT prior_rotated_at, prior_status, prior_compromised_at, prior_compromise_reason FROM rotations WHERE id = ?1)
                        WHERE id = (SELECT key_id FROM rotations WHERE id = ?1 AND prior_status IS NOT NULL)
                        """,
                    arguments: [rotationID])
            }
            try db.executeCached(
                sql: "UPDATE rotations SET state = 'aborted', finished_at = ?, updated_at = ?, sealed_secret = NULL WHERE id = ?",
                arguments: [at, at, rotationID])
            try db.executeCached(sql: "UPDATE rotation_snapshots SET sealed_value = NULL WHERE rotation_id = ?", arguments: [rotationID])
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.aborted", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotationID, "at_step": rotation.resumeState.rawValue]))
            return try fetchRotation(db, rotationID)
        }
    }

    public func snapshots(rotationID: String) async throws -> [Int: [UInt8]?] {
        try perform {
            try database.read { db in
                var result: [Int: [UInt8]?] = [:]
                for row in try Row.fetchAllCached(
                    db, sql: "SELECT target_index, sealed_value FROM rotation_snapshots WHERE rotation_id = ?", arguments: [rotationID])
                {
                    let value: Data? = row[1]
                    result[row[0]] = value.map { Array($0) }
                }
                return result
            }
        }
    }

    public func recordVerification(name: KeyName, env: EnvironmentName, succeeded: Bool, detail: String, actor: String) async throws -> KeyRecord {
        try await writeSuspending { [self] db, now in
            _ = try fetchKey(db, name, env)
            try db.executeCached(
                sql: "UPDATE keys SET last_verified_at = ?, last_verify_ok = ? WHERE env = ? AND name = ?",
                arguments: [Timestamp.epochSeconds(now), succeeded, env.rawValue, name.rawValue])
            try AuditLog.append(
                db, at: now, actor: actor, action: succeeded ? "key.verified" : "key.verify_failed", key: (name, env),
                details: AuditDetails(["detail": detail]))
            return try fetchKey(db, name, env)
        }
    }

    /// Runs `change` on a rotation in one of `states` (or failed at one of them), clears any
    /// failure, stamps it, and appends the audit event with `details` of the rotation as it was.
    private func transition(
        _ rotationID: String, from states: Set<RotationState>, actor: String, action: String,
        details: @escaping @Sendable (RotationRecord) -> [String: String],
        _ change: @escaping @Sendable (Database, RotationRecord, Date) throws -> Void
    ) async throws(KeyStoreError) -> RotationRecord {
        try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.state.isInFlight, states.contains(rotation.resumeState) else {
                throw KeyStoreError(
                    .conflict, "rotation \(rotationID) is at \(rotation.state.rawValue); it cannot record \(action) now")
            }
            if rotation.state == .failed {
                try db.executeCached(
                    sql: "UPDATE rotations SET state = failed_step, failed_step = NULL, failure = NULL WHERE id = ?", arguments: [rotationID])
            }
            try change(db, rotation, now)
            try db.executeCached(sql: "UPDATE rotations SET updated_at = ? WHERE id = ?", arguments: [Timestamp.epochSeconds(now), rotationID])
            var details = AuditDetails(details(rotation))
            details["rotation"] = rotationID
            try AuditLog.append(db, at: now, actor: actor, action: action, key: (rotation.keyName, rotation.env), details: details)
            return try fetchRotation(db, rotationID)
        }
    }

    func fetchRotation(_ db: Database, _ id: String) throws -> RotationRecord {
        guard let row = try Row.fetchOneCached(
            db, sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE r.id = ?", arguments: [id])
        else { throw KeyStoreError(.notFound, "no rotation \(id); see `keyctl rotations`") }
        return RotationRecord(row: row)
    }

    private func fetchRotationInFlight(_ db: Database, keyID: String) throws -> RotationRecord? {
        try Row.fetchOneCached(
            db, sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE r.key_id = ? AND r.state NOT IN ('done', 'aborted')",
            arguments: [keyID]
        ).map(RotationRecord.init(row:))
    }
}

extension RotationRecord {
    /// Once the old credential's deletion may have started, rolling back is no longer possible.
    public var isPastPointOfNoReturn: Bool { [.delete, .confirm, .done].contains(resumeState) }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
