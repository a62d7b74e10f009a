import Foundation
import KeyStore
import PostgresNIO

/// The rotation ledger on PostgreSQL, with the SQLite store's semantics: each method is one write
/// transaction (holding the write lock) together with its audit event.
///
/// One rotation in flight per key is enforced by the partial unique index `rotations_one_in_flight`.
/// A lease is measured on `leaseClock` when one is bound (tests), otherwise on the database's clock,
/// so that hosts whose clocks disagree still agree on when a lease has expired. A takeover is one
/// conditional `UPDATE` that increments `owner_epoch`, and every write checks the epoch it was
/// given in its own transaction (fencing): a paused owner that wakes up after a takeover cannot write.
extension PostgresKeyRegistry: RotationLedger {
    public func beginRotation(
        name: KeyName, env: EnvironmentName, plan: RotationPlan, owner: RotationOwner, lease: TimeSpan,
        unlessBegunSince: Date?, actor: String
    ) async throws -> RotationRecord {
        let leaseNow = self.leaseNow
        return try await write { connection, now in
            guard let key = try await connection.first(
                "SELECT k.id, k.status, v.id FROM \(unescaped: KeyRecord.postgresSource) WHERE k.env = \(env.rawValue) AND k.name = \(name.rawValue)")
            else { throw KeyStoreError.keyNotFound(name, env) }
            let keyID = try key.decode(String.self, column: 0, of: "key '\(name)' (\(env))")
            if try key.decode(String.self, column: 1, of: "key '\(name)' (\(env))") == KeyStatus.retired.rawValue {
                throw KeyStoreError(.conflict, "key '\(name)' in '\(env)' is retired; retired keys are not rotated")
            }
            let oldVersionID = try key.decode(String?.self, column: 2, of: "key '\(name)' (\(env))")
            // A rotation another run began since the batch chose the key, in flight or ended: skipped.
            if let since = unlessBegunSince, let later = try await fetchRotation(connection, keyID: keyID, begunSince: since) {
                throw KeyStoreError.rotatedMeanwhile(later)
            }
            if let inFlight = try await fetchRotationInFlight(connection, keyID: keyID) { throw KeyStoreError.rotationInFlight(inFlight) }
            let id = UUID().uuidString.lowercased()
            let targets = StoredTargets.encode(plan.targets)
            let at = Timestamp.epochSeconds(now)
            // The partial unique index decides between two processes beginning at once.
            let inserted = try await connection.first(
                """
                INSERT INTO rotations (id, key_id, state, emergency, grace_seconds, issuer, targets, verifier,
                    idempotency_key, old_version_id, actor, started_at, updated_at,
                    owner_host, owner_pid, owner_start, owner_epoch, lease_until)
                VALUES (\(id), \(keyID), 'create', \(Int64(plan.emergency ? 1 : 0)), \(plan.grace.seconds), \(plan.issuer), \(targets),
                    \(plan.verifier), \(UUID().uuidString.lowercased()), \(oldVersionID), \(actor), \(at), \(at),
                    \(owner.host), \(Int64(owner.pid)), \(owner.processStart), 1,
                    coalesce(\(leaseNow), \(unescaped: Self.databaseNow)) + \(lease.seconds))
                ON CONFLICT (key_id) WHERE state NOT IN ('done', 'aborted') DO NOTHING
                RETURNING id
                """)
            guard inserted != nil else {
                if let inFlight = try await fetchRotationInFlight(connection, keyID: keyID) { throw KeyStoreError.rotationInFlight(inFlight) }
                throw KeyStoreError(.busy, "another rotation of key '\(name)' in '\(env)' began and ended meanwhile; try again")
            }
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.begin", key: (name, env),
                details: AuditDetails([
                    "rotation": id, "issuer": plan.issuer, "targets": plan.targets.joined(separator: ","),
                    "grace": plan.grace.description, "emergency": String(plan.emergency),
                ]))
            try await journalStart(connection, id, .begun, now: now)
            return try await fetchRotation(connection, id)
        }
    }

    public func claimRotation(
        _ rotationID: String, for owner: RotationOwner, deadOwnerEpoch: Int?, lease: TimeSpan, actor: String
    ) async throws -> RotationRecord {
        let leaseNow = self.leaseNow
        return try await write { connection, now in
            let rotation = try await fetchRotation(connection, rotationID)
            guard rotation.state.isInFlight else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) has ended (\(rotation.state.rawValue))")
            }
            // One statement decides: of two processes claiming at once, only one matches the row as it was.
            guard let claimed = try await connection.first(
                """
                UPDATE rotations SET owner_host = \(owner.host), owner_pid = \(Int64(owner.pid)), owner_start = \(owner.processStart),
                    owner_epoch = owner_epoch + 1, lease_until = coalesce(\(leaseNow), \(unescaped: Self.databaseNow)) + \(lease.seconds),
                    updated_at = \(Timestamp.epochSeconds(now))
                WHERE id = \(rotationID) AND state NOT IN ('done', 'aborted') AND (
                    owner_host IS NULL
                    OR (owner_host = \(owner.host) AND owner_pid = \(Int64(owner.pid)) AND owner_start = \(owner.processStart))
                    OR lease_until IS NULL OR lease_until <= coalesce(\(leaseNow), \(unescaped: Self.databaseNow))
                    OR owner_epoch = \(deadOwnerEpoch.map(Int64.init)))
                RETURNING owner_epoch
                """)
            else { throw KeyStoreError.rotationOwned(try await fetchRotation(connection, rotationID)) }
            let epoch = try claimed.decode(Int64.self, column: 0, of: "rotation \(rotationID)")
            var details = ["rotation": rotationID, "owner": owner.description, "epoch": String(epoch)]
            if let previous = rotation.owner, previous != owner {
                details["previous_owner"] = previous.description
                details["because"] = deadOwnerEpoch == rotation.ownerEpoch ? "owner no longer runs" : "owner's lease expired"
            }
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.claimed", key: (rotation.keyName, rotation.env),
                details: AuditDetails(details))
            return try await fetchRotation(connection, rotationID)
        }
    }

    public func renewLease(_ lease: RotationLease, for duration: TimeSpan) async throws {
        let leaseNow = self.leaseNow
        try await write { connection, _ in
            let renewed = try await connection.first(
                """
                UPDATE rotations SET lease_until = coalesce(\(leaseNow), \(unescaped: Self.databaseNow)) + \(duration.seconds)
                WHERE id = \(lease.rotationID) AND owner_epoch = \(Int64(lease.epoch)) AND owner_host IS NOT NULL
                RETURNING id
                """)
            if renewed == nil { throw KeyStoreError.leaseLost(try await fetchRotation(connection, lease.rotationID)) }
        }
    }

    public func releaseLease(_ lease: RotationLease) async throws {
        try await write { (connection, _) -> Void in
            try await connection.run(
                """
                UPDATE rotations SET \(unescaped: Self.noOwner)
                WHERE id = \(lease.rotationID) AND owner_epoch = \(Int64(lease.epoch)) AND owner_host IS NOT NULL
                """)
        }
    }

    public func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try await read { connection in
            try await connection.first(
                """
                SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource)
                WHERE k.env = \(env.rawValue) AND k.name = \(name.rawValue) AND r.state NOT IN ('done', 'aborted')
                """
            ).map { try RotationRecord(postgresRow: $0) }
        }
    }

    public func latestRotation(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try await read { connection in
            try await connection.first(
                """
                SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource)
                WHERE k.env = \(env.rawValue) AND k.name = \(name.rawValue) ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1
                """
            ).map { try RotationRecord(postgresRow: $0) }
        }
    }

    public func rotations(inFlightOnly: Bool) async throws -> [RotationRecord] {
        try await read { connection in
            try await connection.all(
                """
                SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource)
                \(unescaped: inFlightOnly ? "WHERE r.state NOT IN ('done', 'aborted')" : "") ORDER BY r.started_at DESC, r.rowid DESC
                """
            ).map { try RotationRecord(postgresRow: $0) }
        }
    }

    public func journal(_ lease: RotationLease, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws {
        try await write { connection, now in
            try await checkLease(connection, lease)
            try await appendJournal(connection, lease.rotationID, step: step, target: target, phase: phase, detail: detail, now: now)
        }
    }

    public func recordCreated(
        _ lease: RotationLease, fingerprint: Fingerprint, sha1: SecretSHA1, hint: String, issuerRef: String?, sealedSecret: [UInt8],
        snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = snapshotEmpty ? emptySnapshot(of: 0, then: next, actor: actor) : nil
        return try await transition(lease, from: [.create], actor: actor, action: "rotation.created", details: { _ in ["fingerprint": fingerprint.rawValue] }, then: follow) { connection, _, now in
            try await refuseRegistered(fingerprint, connection)
            let versionID = UUID().uuidString.lowercased()
            try await connection.run(
                """
                INSERT INTO key_versions (id, key_id, fingerprint, sha1, hint, issuer_ref, stage, created_at)
                SELECT \(versionID), key_id, \(fingerprint.rawValue), \(sha1.rawValue), \(hint), \(issuerRef), 'pending', \(Timestamp.epochSeconds(now))
                FROM rotations WHERE id = \(rotationID)
                """)
            try await connection.run(
                "UPDATE rotations SET state = 'deploy', new_version_id = \(versionID), sealed_secret = \(Data(sealedSecret)) WHERE id = \(rotationID)")
        }
    }

    public func recordSnapshot(
        _ lease: RotationLease, targetIndex: Int, sealedValue: [UInt8]?, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.deploy], actor: actor, action: "rotation.snapshot", details: { ["target": $0.target(at: targetIndex)] }) { [self] connection, rotation, now in
            try await insertSnapshot(connection, rotation, targetIndex, sealedValue)
            try await journalStart(connection, rotationID, next, now: now)
        }
    }

    public func recordDeployed(
        _ lease: RotationLease, targetIndex: Int, snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = snapshotEmpty ? emptySnapshot(of: targetIndex + 1, then: next, actor: actor) : nil
        return try await transition(lease, from: [.deploy], actor: actor, action: "rotation.deployed", details: { ["target": $0.target(at: targetIndex)] }, then: follow) { [self] connection, rotation, now in
            guard rotation.deployedCount == targetIndex, rotation.snapshotsTaken > targetIndex else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot record target \(targetIndex) as deployed now")
            }
            let nextState = targetIndex + 1 == rotation.targets.count ? "verify" : "deploy"
            try await connection.run(
                "UPDATE rotations SET deployed_count = \(Int64(targetIndex + 1)), state = \(nextState) WHERE id = \(rotationID)")
            if !snapshotEmpty { try await journalStart(connection, rotationID, next, now: now) }
        }
    }

    /// Records target `index`'s snapshot (`sealedValue`, nil when it holds nothing to keep), in
    /// order: the snapshot of each target before the next one's.
    private func insertSnapshot(_ connection: PostgresConnection, _ rotation: RotationRecord, _ index: Int, _ sealedValue: [UInt8]?) async throws {
        guard rotation.snapshotsTaken == index, index < rotation.targets.count else {
            throw KeyStoreError(.conflict, "rotation \(rotation.id) cannot snapshot target \(index) now")
        }
        try await connection.run(
            """
            INSERT INTO rotation_snapshots (rotation_id, target_index, sealed_value) VALUES (\(rotation.id), \(Int64(index)), \(sealedValue.map { Data($0) }))
            ON CONFLICT (rotation_id, target_index) DO UPDATE SET sealed_value = excluded.sealed_value
            """)
        try await connection.run("UPDATE rotations SET snapshots_taken = \(Int64(index + 1)) WHERE id = \(rotation.id)")
    }

    /// The empty snapshot of target `index`, which cannot be read back, recorded with its audit
    /// event after the step before it, and `next` journalled as started: a `transition`'s follow-up.
    private func emptySnapshot(of index: Int, then next: StepStart?, actor: String) -> (PostgresConnection, RotationRecord, Date) async throws -> Void {
        { [self] connection, rotation, now in
            try await insertSnapshot(connection, rotation, index, nil)
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.snapshot", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotation.id, "target": rotation.target(at: index)]))
            try await journalStart(connection, rotation.id, next, now: now)
        }
    }

    public func recordVerified(_ lease: RotationLease, graceUntil: Date, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.verify], actor: actor, action: "rotation.verified", details: { _ in ["grace_until": Timestamp.format(graceUntil)] }) { connection, rotation, now in
            try await connection.run("UPDATE key_versions SET stage = 'previous' WHERE id = \(rotation.oldVersionID)")
            try await connection.run("UPDATE key_versions SET stage = 'current' WHERE id = \(rotation.newVersionID)")
            try await connection.run(
                """
                UPDATE rotations SET (prior_rotated_at, prior_status, prior_compromised_at, prior_compromise_reason) =
                    (SELECT rotated_at, status, compromised_at, compromise_reason FROM keys WHERE id = rotations.key_id)
                WHERE id = \(rotationID)
                """)
            try await connection.run(
                """
                UPDATE keys SET rotated_at = \(Timestamp.epochSeconds(now)), status = 'active', compromised_at = NULL, compromise_reason = NULL
                WHERE id = (SELECT key_id FROM rotations WHERE id = \(rotationID))
                """)
            try await connection.run(
                "UPDATE rotations SET state = 'grace', promoted = 1, grace_until = \(Timestamp.epochSeconds(graceUntil)) WHERE id = \(rotationID)")
        }
    }

    public func recordDeleteStarting(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await transition(lease, from: [.grace], actor: actor, action: "rotation.delete_started", details: { _ in [:] }) { connection, _, _ in
            try await connection.run("UPDATE rotations SET state = 'delete' WHERE id = \(rotationID)")
        }
    }

    public func recordDeleted(_ lease: RotationLease, finishing: Bool, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let follow = finishing ? Self.doneWithoutCheck(actor: actor) : nil
        return try await transition(lease, from: [.delete], actor: actor, action: "rotation.deleted", details: { _ in [:] }, then: follow) { connection, rotation, now in
            try await connection.run(
                "UPDATE key_versions SET stage = 'revoked', revoked_at = \(Timestamp.epochSeconds(now)) WHERE id = \(rotation.oldVersionID)")
            try await connection.run("UPDATE rotations SET state = 'confirm' WHERE id = \(rotationID)")
        }
    }

    public func recordDone(_ lease: RotationLease, revocation: RevocationCheck?, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        let details = revocation.map { ["old_secret": $0.rawValue] } ?? [:]
        return try await transition(lease, from: [.confirm], actor: actor, action: "rotation.done", details: { _ in details }) { connection, _, now in
            try await Self.finish(connection, rotationID, revocation: revocation, now: now)
        }
    }

    /// Ends the rotation as done without a revocation check, with its audit event: a `transition`'s follow-up.
    private static func doneWithoutCheck(actor: String) -> (PostgresConnection, RotationRecord, Date) async throws -> Void {
        { connection, rotation, now in
            try await finish(connection, rotation.id, revocation: nil, now: now)
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.done", key: (rotation.keyName, rotation.env), details: AuditDetails(["rotation": rotation.id]))
        }
    }

    /// Ends the rotation as done: its secrets wiped, no owner.
    private static func finish(_ connection: PostgresConnection, _ rotationID: String, revocation: RevocationCheck?, now: Date) async throws {
        try await connection.run(
            """
            UPDATE rotations SET state = 'done', revocation = \(revocation?.rawValue),
                old_still_valid = \(revocation.map { Int64($0 == .accepted ? 1 : 0) }), finished_at = \(Timestamp.epochSeconds(now)),
                sealed_secret = NULL, \(unescaped: noOwner)
            WHERE id = \(rotationID)
            """)
        try await connection.run("UPDATE rotation_snapshots SET sealed_value = NULL WHERE rotation_id = \(rotationID)")
    }

    public func recordFailed(_ lease: RotationLease, message: String, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await write { connection, now in
            let rotation = try await fetchRotation(connection, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
            guard rotation.state.isInFlight else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) has ended (\(rotation.state.rawValue))")
            }
            try await connection.run(
                """
                UPDATE rotations SET failed_step = \(rotation.resumeState.rawValue), state = 'failed', failure = \(message),
                    updated_at = \(Timestamp.epochSeconds(now)), \(unescaped: Self.noOwner)
                WHERE id = \(rotationID)
                """)
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.failed", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotationID, "step": rotation.resumeState.rawValue, "error": message]))
            return try await fetchRotation(connection, rotationID)
        }
    }

    public func recordAborted(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        let rotationID = lease.rotationID
        return try await write { connection, now in
            let rotation = try await fetchRotation(connection, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
            guard rotation.state.isInFlight, !rotation.isPastPointOfNoReturn else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) cannot be aborted at \(rotation.resumeState.rawValue)")
            }
            let at = Timestamp.epochSeconds(now)
            try await connection.run(
                "UPDATE key_versions SET stage = 'revoked', revoked_at = \(at) WHERE id = \(rotation.newVersionID)")
            if rotation.promoted {
                try await connection.run("UPDATE key_versions SET stage = 'current' WHERE id = \(rotation.oldVersionID)")
                // The key as it was before the new version was promoted.
                try await connection.run(
                    """
                    UPDATE keys SET (rotated_at, status, compromised_at, compromise_reason) =
                        (SELECT prior_rotated_at, prior_status, prior_compromised_at, prior_compromise_reason FROM rotations WHERE id = \(rotationID))
                    WHERE id = (SELECT key_id FROM rotations WHERE id = \(rotationID) AND prior_status IS NOT NULL)
                    """)
            }
            try await connection.run(
                """
                UPDATE rotations SET state = 'aborted', finished_at = \(at), updated_at = \(at), sealed_secret = NULL, \(unescaped: Self.noOwner)
                WHERE id = \(rotationID)
                """)
            try await connection.run("UPDATE rotation_snapshots SET sealed_value = NULL WHERE rotation_id = \(rotationID)")
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "rotation.aborted", key: (rotation.keyName, rotation.env),
                details: AuditDetails(["rotation": rotationID, "at_step": rotation.resumeState.rawValue]))
            return try await fetchRotation(connection, rotationID)
        }
    }

    public func snapshots(rotationID: String) async throws -> [Int: [UInt8]?] {
        try await read { connection in
            var result: [Int: [UInt8]?] = [:]
            for row in try await connection.all("SELECT target_index, sealed_value FROM rotation_snapshots WHERE rotation_id = \(rotationID)") {
                let index = try row.decode(column: 0, of: "rotation \(rotationID)", as: { (index: Int64) in Int(exactly: index) })
                result[index] = try row.decode(Data?.self, column: 1, of: "rotation \(rotationID)").map { Array($0) }
            }
            return result
        }
    }

    public func recordVerification(name: KeyName, env: EnvironmentName, succeeded: Bool, detail: String, actor: String) async throws -> KeyRecord {
        try await write { connection, now in
            _ = try await fetchKey(connection, name, env)
            try await connection.run(
                """
                UPDATE keys SET last_verified_at = \(Timestamp.epochSeconds(now)), last_verify_ok = \(Int64(succeeded ? 1 : 0))
                WHERE env = \(env.rawValue) AND name = \(name.rawValue)
                """)
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: succeeded ? "key.verified" : "key.verify_failed", key: (name, env),
                details: AuditDetails(["detail": detail]))
            return try await fetchKey(connection, name, env)
        }
    }
}

extension PostgresKeyRegistry {
    /// The database's clock in whole seconds since the epoch, as SQL.
    static let databaseNow = "floor(extract(epoch FROM clock_timestamp()))::bigint"

    /// The columns that say no process owns a rotation (its epoch is kept: it fences old owners).
    static let noOwner = "owner_host = NULL, owner_pid = NULL, owner_start = NULL, lease_until = NULL"

    /// The instant leases are compared with when a lease clock is bound; nil: the database's clock.
    var leaseNow: Int64? { leaseClock.map { Timestamp.epochSeconds($0.now()) } }

    /// Runs `change` on a rotation in one of `states` (or failed at one of them) under `lease`,
    /// clears any failure, stamps it, and appends the audit event with `details` of the rotation as it was.
    private func transition(
        _ lease: RotationLease, from states: Set<RotationState>, actor: String, action: String,
        details: (RotationRecord) -> [String: String],
        then follow: ((PostgresConnection, RotationRecord, Date) async throws -> Void)? = nil,
        _ change: (PostgresConnection, RotationRecord, Date) async throws -> Void
    ) async throws(KeyStoreError) -> RotationRecord {
        let rotationID = lease.rotationID
        return try await write { connection, now in
            let rotation = try await fetchRotation(connection, rotationID)
            guard rotation.ownerEpoch == lease.epoch else { throw KeyStoreError.leaseLost(rotation) }
            guard rotation.state.isInFlight, states.contains(rotation.resumeState) else {
                throw KeyStoreError(.conflict, "rotation \(rotationID) is at \(rotation.state.rawValue); it cannot record \(action) now")
            }
            if rotation.state == .failed {
                try await connection.run(
                    "UPDATE rotations SET state = failed_step, failed_step = NULL, failure = NULL WHERE id = \(rotationID)")
            }
            try await change(connection, rotation, now)
            try await connection.run("UPDATE rotations SET updated_at = \(Timestamp.epochSeconds(now)) WHERE id = \(rotationID)")
            var auditDetails = AuditDetails(details(rotation))
            auditDetails["rotation"] = rotationID
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: action, key: (rotation.keyName, rotation.env), details: auditDetails)
            try await follow?(connection, rotation, now)
            return try await fetchRotation(connection, rotationID)
        }
    }

    private func appendJournal(
        _ connection: PostgresConnection, _ rotationID: String, step: RotationState, target: String?, phase: StepPhase,
        detail: String?, now: Date
    ) async throws {
        try await connection.run(
            """
            INSERT INTO rotation_steps (rotation_id, seq, step, target, phase, at, detail)
            VALUES (\(rotationID), (SELECT coalesce(max(seq), 0) + 1 FROM rotation_steps WHERE rotation_id = \(rotationID)),
                \(step.rawValue), \(target), \(phase.rawValue), \(Timestamp.epochSeconds(now)), \(detail))
            """)
    }

    private func journalStart(_ connection: PostgresConnection, _ rotationID: String, _ next: StepStart?, now: Date) async throws {
        guard let next else { return }
        try await appendJournal(connection, rotationID, step: next.step, target: next.target, phase: .started, detail: nil, now: now)
    }

    func fetchRotation(_ connection: PostgresConnection, _ id: String) async throws -> RotationRecord {
        guard let row = try await connection.first(
            "SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource) WHERE r.id = \(id)")
        else { throw KeyStoreError(.notFound, "no rotation \(id); see `keyctl rotations`") }
        return try RotationRecord(postgresRow: row)
    }

    /// Refuses a write under `lease` once another process has taken the rotation over.
    private func checkLease(_ connection: PostgresConnection, _ lease: RotationLease) async throws {
        let row = try await connection.first("SELECT owner_epoch FROM rotations WHERE id = \(lease.rotationID)")
        let epoch = try row?.decode(Int64.self, column: 0, of: "rotation \(lease.rotationID)")
        if epoch != Int64(lease.epoch) { throw KeyStoreError.leaseLost(try await fetchRotation(connection, lease.rotationID)) }
    }

    /// The key's newest rotation if it began at or after `since` (whole seconds, as stored).
    private func fetchRotation(_ connection: PostgresConnection, keyID: String, begunSince since: Date) async throws -> RotationRecord? {
        try await connection.first(
            """
            SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource)
            WHERE r.key_id = \(keyID) AND r.started_at >= \(Timestamp.epochSeconds(since)) ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1
            """
        ).map { try RotationRecord(postgresRow: $0) }
    }

    private func fetchRotationInFlight(_ connection: PostgresConnection, keyID: String) async throws -> RotationRecord? {
        try await connection.first(
            """
            SELECT \(unescaped: RotationRecord.postgresSelection) FROM \(unescaped: RotationRecord.postgresSource)
            WHERE r.key_id = \(keyID) AND r.state NOT IN ('done', 'aborted')
            """
        ).map { try RotationRecord(postgresRow: $0) }
    }
}
