import Foundation
import KeyStore
import GRDB

extension SQLiteKeyRegistry {
    public func beginRotation(
        name: KeyName, env: EnvironmentName, plan: RotationPlan, owner: RotationOwner, lease: TimeSpan,
        unlessBegunSince: Date?, actor: String
    ) async throws -> RotationRecord {
        try await writeSuspending { [self] db, now in
            guard let key = try SteppedRows.first(
                db, sql: "SELECT k.id, k.status, v.id FROM \(KeyRecord.source) WHERE k.env = ? AND k.name = ?",
                arguments: [env.rawValue, name.rawValue],
                decode: { row in
                    let record = "key '\(name)' (\(env))"
                    return (id: try row.decode(String.self, column: 0, of: record),
                            status: try row.decode(column: 1, of: record, as: KeyStatus.init(rawValue:)),
                            currentVersion: try row.decode(String?.self, column: 2, of: record))
                })
            else { throw KeyStoreError.keyNotFound(name, env) }
            if key.status == .retired {
                throw KeyStoreError(.conflict, "key '\(name)' in '\(env)' is retired; retired keys are not rotated")
            }
            // A rotation another run began since the batch chose the key, in flight or ended: skipped.
            if let since = unlessBegunSince, let later = try fetchRotation(db, keyID: key.id, begunSince: since) {
                throw KeyStoreError.rotatedMeanwhile(later)
            }
            if let inFlight = try fetchRotationInFlight(db, keyID: key.id) { throw KeyStoreError.rotationInFlight(inFlight) }
            let id = UUID().uuidString.lowercased()
            let targets = StoredTargets.encode(plan.targets)
            let at = Timestamp.epochSeconds(now)
            do {
                try db.executeCached(
                    sql: """
                        INSERT INTO rotations (id, key_id, state, emergency, grace_seconds, issuer, targets, verifier,
                            idempotency_key, old_version_id, actor, started_at, updated_at,
                            owner_host, owner_pid, owner_start, owner_epoch, lease_until)
                        VALUES (?, ?, 'create', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                        """,
                    arguments: [
                        id, key.id, plan.emergency, plan.grace.seconds, plan.issuer, targets, plan.verifier,
                        UUID().uuidString.lowercased(), key.currentVersion, actor, at, at,
                        owner.host, owner.pid, owner.processStart, at + lease.seconds,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                if let inFlight = try fetchRotationInFlight(db, keyID: key.id) { throw KeyStoreError.rotationInFlight(inFlight) }
                throw error
            }
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.begin", key: (name, env),
                details: AuditDetails([
                    "rotation": id, "issuer": plan.issuer, "targets": plan.targets.joined(separator: ","),
                    "grace": plan.grace.description, "emergency": String(plan.emergency),
                ]))
            try journalStart(db, id, .begun, now: now)
            return try fetchRotation(db, id)
        }
    }

    public func claimRotation(
        _ rotationID: String, for owner: RotationOwner, deadOwnerEpoch: Int?, lease: TimeSpan, actor: String
    ) async throws -> RotationRecord {
        try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.state.isInFlight else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) has ended (\(rotation.state.rawValue))")
            }
            var details = ["rotation": rotationID, "owner": owner.description, "epoch": String(rotation.ownerEpoch + 1)]
            if let previous = rotation.owner, previous != owner {
                let expired = (rotation.leaseUntil ?? .distantPast) <= now
                guard expired || deadOwnerEpoch == rotation.ownerEpoch else { throw KeyStoreError.rotationOwned(rotation) }
                details["previous_owner"] = previous.description
                details["because"] = deadOwnerEpoch == rotation.ownerEpoch ? "owner no longer runs" : "owner's lease expired"
            }
            let at = Timestamp.epochSeconds(now)
            try db.executeCached(
                sql: """
                    UPDATE rotations SET owner_host = ?, owner_pid = ?, owner_start = ?, owner_epoch = owner_epoch + 1,
                        lease_until = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [owner.host, owner.pid, owner.processStart, at + lease.seconds, at, rotationID])
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.claimed", key: (rotation.keyName, rotation.env), details: AuditDetails(details))
            return try fetchRotation(db, rotationID)
        }
    }

    public func renewLease(_ lease: RotationLease, for duration: TimeSpan) async throws {
        try await writeSuspending { [self] db, now in
            try db.executeCached(
                sql: "UPDATE rotations SET lease_until = ? WHERE id = ? AND owner_epoch = ? AND owner_host IS NOT NULL",
                arguments: [Timestamp.epochSeconds(now) + duration.seconds, lease.rotationID, lease.epoch])
            if db.changesCount == 0 { throw KeyStoreError.leaseLost(try fetchRotation(db, lease.rotationID)) }
        }
    }

    public func releaseLease(_ lease: RotationLease) async throws {
        try await writeSuspending { db, _ in
            try db.executeCached(
                sql: """
                    UPDATE rotations SET \(Self.noOwner)
                    WHERE id = ? AND owner_epoch = ? AND owner_host IS NOT NULL
                    """,
                arguments: [lease.rotationID, lease.epoch])
        }
    }

    public func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try perform {
            try readSnapshot { db in
                try Row.fetchOneCached(
                    db,
                    sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE k.env = ? AND k.name = ? AND r.state NOT IN ('done', 'aborted')",
                    arguments: [env.rawValue, name.rawValue]
                ).map { try RotationRecord(row: $0) }
            }
        }
    }

    public func latestRotation(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try perform {
            try readSnapshot { db in
                try Row.fetchOneCached(
                    db,
                    sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE k.env = ? AND k.name = ? ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1",
                    arguments: [env.rawValue, name.rawValue]
                ).map { try RotationRecord(row: $0) }
            }
        }
    }

    public func rotations(inFlightOnly: Bool) async throws -> [RotationRecord] {
        try perform {
            try readSnapshot { db in
                try Row.fetchAllCached(
                    db,
                    sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) \(inFlightOnly ? "WHERE r.state NOT IN ('done', 'aborted')" : "") ORDER BY r.started_at DESC, r.rowid DESC"
                ).map { try RotationRecord(row: $0) }
            }
        }
    }

    public func journal(_ lease: RotationLease, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws {
        let rotationID = lease.rotationID
        return try await writeSuspending { [self] db, now in
            try checkLease(db, lease)
            try appendJournal(db, rotationID, step: step, target: target, phase: phase, detail: detail, now: now)
        }
    }

    private func appendJournal(
        _ db: Database, _ rotationID: String, step: RotationState, target: String?, phase: StepPhase, detail: String?, now: Date
    ) throws {
        try db.executeCached(
            sql: """
                INSERT INTO rotation_steps (rotation_id, seq, step, target, phase, at, detail)
                VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM rotation_steps WHERE rotation_id = ?), ?, ?, ?, ?, ?)
                """,
            arguments: [rotationID, rotationID, step.rawValue, target, phase.rawValue, Timestamp.epochSeconds(now), detail])
    }

    private func journalStart(_ db: Database, _ rotationID: String, _ next: StepStart?, now: Date) throws {
        guard let next else { return }
        try appendJournal(db, rotationID, step: next.step, target: next.target, phase: .started, detail: nil, now: now)
    }

    /// The columns that say no process owns a rotation (its epoch is kept: it fences old owners).
    static let noOwner = "owner_host = NULL, owner_pid = NULL, owner_start = NULL, lease_until = NULL"

    public func recordCreated(
        _ lease: RotationLease, fingerprint: Fingerprint, sha1: SecretSHA1, hint: String, issuerRef: String?, sealedSecret: [UInt8],
        snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = snapshotEmpty ? emptySnapshot(of: 0, then: next, actor: actor) : nil
        return try await transition(lease, from: [.create], actor: actor, action: "rotation.created", details: { _ in ["fingerprint": fingerprint.rawValue] }, then: follow) { [self] db, rotation, now in
            try refuseRegistered(fingerprint, db)
            let versionID = UUID().uuidString.lowercased()
            try db.executeCached(
                sql: """
                    INSERT INTO key_versions (id, key_id, fingerprint, sha1, hint, issuer_ref, stage, created_at)
                    SELECT ?, key_id, ?, ?, ?, ?, 'pending', ? FROM rotations WHERE id = ?
                    """,
                arguments: [versionID, fingerprint.rawValue, sha1.rawValue, hint, issuerRef, Timestamp.epochSeconds(now), rotationID])
            try db.executeCached(
                sql: "UPDATE rotations SET state = 'deploy', new_version_id = ?, sealed_secret = ? WHERE id = ?",
                arguments: [versionID, Data(sealedSecret), rotationID])
        }
    }

    public func recordSnapshot(
        _ lease: RotationLease, targetIndex: Int, sealedValue: [UInt8]?, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.deploy], actor: actor, action: "rotation.snapshot", details: { ["target": $0.target(at: targetIndex)] }) { [self] db, rotation, now in
            try insertSnapshot(db, rotation, targetIndex, sealedValue)
            try journalStart(db, rotationID, next, now: now)
        }
    }

    public func recordDeployed(
        _ lease: RotationLease, targetIndex: Int, snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = snapshotEmpty ? emptySnapshot(of: targetIndex + 1, then: next, actor: actor) : nil
        return try await transition(lease, from: [.deploy], actor: actor, action: "rotation.deployed", details: { ["target": $0.target(at: targetIndex)] }, then: follow) { [self] db, rotation, now in
            guard rotation.deployedCount == targetIndex, rotation.snapshotsTaken > targetIndex else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot record target \(targetIndex) as deployed now")
            }
            let nextState = targetIndex + 1 == rotation.targets.count ? "verify" : "deploy"
            try db.executeCached(
                sql: "UPDATE rotations SET deployed_count = ?, state = ? WHERE id = ?", arguments: [targetIndex + 1, nextState, rotationID])
            if !snapshotEmpty { try journalStart(db, rotationID, next, now: now) }
        }
    }

    /// Records target `index`'s snapshot (`sealedValue`, nil when it holds nothing to keep), in
    /// order: the snapshot of each target before the next one's.
    private func insertSnapshot(_ db: Database, _ rotation: RotationRecord, _ index: Int, _ sealedValue: [UInt8]?) throws {
        guard rotation.snapshotsTaken == index, index < rotation.targets.count else {
            throw KeyStoreError(.conflict, "rotation \(rotation.id) cannot snapshot target \(index) now")
        }
        try db.executeCached(
            sql: "INSERT OR REPLACE INTO rotation_snapshots (rotation_id, target_index, sealed_value) VALUES (?, ?, ?)",
            arguments: [rotation.id, index, sealedValue.map { Data($0) }])
        try db.executeCached(sql: "UPDATE rotations SET snapshots_taken = ? WHERE id = ?", arguments: [index + 1, rotation.id])
    }

    /// The empty snapshot of target `index`, which cannot be read back, recorded with its audit
    /// event after the step before it, and `next` journalled as started: a `transition`'s follow-up.
    private func emptySnapshot(of index: Int, then next: StepStart?, actor: String) -> @Sendable (Database, RotationRecord, Date) throws -> Void {
        { [self] db, rotation, now in
            try insertSnapshot(db, rotation, index, nil)
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.snapshot", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotation.id, "target": rotation.target(at: index)]))
            try journalStart(db, rotation.id, next, now: now)
        }
    }

    public func recordVerified(_ lease: RotationLease, graceUntil: Date, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.verify], actor: actor, action: "rotation.verified", details: { _ in ["grace_until": Timestamp.format(graceUntil)] }) { db, rotation, now in
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

    public func recordDeleteStarting(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.grace], actor: actor, action: "rotation.delete_started", details: { _ in [:] }) { db, _, _ in
            try db.executeCached(sql: "UPDATE rotations SET state = 'delete' WHERE id = ?", arguments: [rotationID])
        }
    }

    public func recordDeleted(_ lease: RotationLease, finishing: Bool, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = finishing ? Self.doneWithoutCheck(actor: actor) : nil
        return try await transition(lease, from: [.delete], actor: actor, action: "rotation.deleted", details: { _ in [:] }, then: follow) { db, rotation, now in
            try db.executeCached(
                sql: "UPDATE key_versions SET stage = 'revoked', revoked_at = ? WHERE id = ?",
                arguments: [Timestamp.epochSeconds(now), rotation.oldVersionID])
            try db.executeCached(sql: "UPDATE rotations SET state = 'confirm' WHERE id = ?", arguments: [rotationID])
        }
    }

    public func recordDone(_ lease: RotationLease, revocation: RevocationCheck?, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let details = revocation.map { ["old_secret": $0.rawValue] } ?? [:]
        return try await transition(lease, from: [.confirm], actor: actor, action: "rotation.done", details: { _ in details }) { db, _, now in
            try Self.finish(db, rotationID, revocation: revocation, now: now)
        }
    }

    /// Ends the rotation as done without a revocation check, with its audit event: a `transition`'s follow-up.
    private static func doneWithoutCheck(actor: String) -> @Sendable (Database, RotationRecord, Date) throws -> Void {
        { db, rotation, now in
            try finish(db, rotation.id, revocation: nil, now: now)
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.done", key: (rotation.keyName, rotation.env), details: AuditDetails(["rotation": rotation.id]))
        }
    }

    /// Ends the rotation as done: its secrets wiped, no owner.
    private static func finish(_ db: Database, _ rotationID: String, revocation: RevocationCheck?, now: Date) throws {
        try db.executeCached(
            sql: "UPDATE rotations SET state = 'done', revocation = ?, old_still_valid = ?, finished_at = ?, sealed_secret = NULL, \(noOwner) WHERE id = ?",
            arguments: [revocation?.rawValue, revocation.map { $0 == .accepted }, Timestamp.epochSeconds(now), rotationID])
        try db.executeCached(sql: "UPDATE rotation_snapshots SET sealed_value = NULL WHERE rotation_id = ?", arguments: [rotationID])
    }

    public func recordFailed(_ lease: RotationLease, message: String, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
            guard rotation.state.isInFlight else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) has ended (\(rotation.state.rawValue))")
            }
            try db.executeCached(
                sql: "UPDATE rotations SET failed_step = ?, state = 'failed', failure = ?, updated_at = ?, \(Self.noOwner) WHERE id = ?",
                arguments: [rotation.resumeState.rawValue, message, Timestamp.epochSeconds(now), rotationID])
            try AuditLog.append(
                db, at: now, actor: actor, action: "rotation.failed", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotationID, "step": rotation.resumeState.rawValue, "error": message]))
            return try fetchRotation(db, rotationID)
        }
    }

    public func recordAborted(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
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
                sql: "UPDATE rotations SET state = 'aborted', finished_at = ?, updated_at = ?, sealed_secret = NULL, \(Self.noOwner) WHERE id = ?",
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
            try readSnapshot { db in
                var result: [Int: [UInt8]?] = [:]
                for row in try Row.fetchAllCached(
                    db, sql: "SELECT target_index, sealed_value FROM rotation_snapshots WHERE rotation_id = ?", arguments: [rotationID])
                {
                    let record = "a snapshot of rotation \(rotationID)"
                    let value: Data? = try row.decode(column: 1, of: record)
                    result[try row.decode(Int.self, column: 0, of: record)] = value.map { Array($0) }
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
    /// failure, stamps it, and appends the audit event with `details` of the rotation as it was;
    /// then `follow`, a change recorded with it (with its own audit event), in the same transaction.
    private func transition(
        _ lease: RotationLease, from states: Set<RotationState>, actor: String, action: String,
        details: @escaping @Sendable (RotationRecord) -> [String: String],
        then follow: (@Sendable (Database, RotationRecord, Date) throws -> Void)? = nil,
        _ change: @escaping @Sendable (Database, RotationRecord, Date) throws -> Void
    ) async throws(KeyStoreError) -> RotationRecord {
        let rotationID = lease.rotationID
        return try await writeSuspending { [self] db, now in
            let rotation = try fetchRotation(db, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
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
            try follow?(db, rotation, now)
            return try fetchRotation(db, rotationID)
        }
    }

    func fetchRotation(_ db: Database, _ id: String) throws -> RotationRecord {
        guard let rotation = try SteppedRows.first(
            db, sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE r.id = ?", arguments: [id],
            decode: { try RotationRecord(row: $0) })
        else { throw KeyStoreError(.notFound, "no rotation \(id); see `keyctl rotations`") }
        return rotation
    }

    /// Refuses a write under `lease` once another process has taken the rotation over.
    private func checkLease(_ db: Database, _ lease: RotationLease) throws {
        let epoch = try Int.fetchOne(db, sql: "SELECT owner_epoch FROM rotations WHERE id = ?", arguments: [lease.rotationID])
        if epoch != lease.epoch { throw KeyStoreError.leaseLost(try fetchRotation(db, lease.rotationID)) }
    }

    /// The key's newest rotation if it began at or after `since` (whole seconds, as stored).
    private func fetchRotation(_ db: Database, keyID: String, begunSince since: Date) throws -> RotationRecord? {
        try SteppedRows.first(
            db,
            sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE r.key_id = ? AND r.started_at >= ? ORDER BY r.started_at DESC LIMIT 1",
            arguments: [keyID, Timestamp.epochSeconds(since)], decode: { try RotationRecord(row: $0) })
    }

    private func fetchRotationInFlight(_ db: Database, keyID: String) throws -> RotationRecord? {
        try SteppedRows.first(
            db, sql: "SELECT \(RotationRecord.selection) FROM \(RotationRecord.source) WHERE r.key_id = ? AND r.state NOT IN ('done', 'aborted')",
            arguments: [keyID], decode: { try RotationRecord(row: $0) })
    }
}
