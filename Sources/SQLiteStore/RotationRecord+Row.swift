import Foundation
import KeyStore
import GRDB

extension RotationRecord {
    /// The columns `init(row:)` reads, from `rotations r JOIN keys k`.
    static let selection = """
        r.id, k.name, k.env, r.state, r.failed_step, r.failure, r.emergency, r.grace_seconds, r.grace_until,
        r.issuer, r.targets, r.verifier, r.idempotency_key, r.old_version_id, r.new_version_id, r.sealed_secret,
        r.snapshots_taken, r.deployed_count, r.promoted, r.revocation, r.actor, r.started_at, r.updated_at,
        r.finished_at, r.owner_host, r.owner_pid, r.owner_start, r.owner_epoch, r.lease_until
        """
    static let source = "rotations r JOIN keys k ON k.id = r.key_id"

    /// Decodes a row selected with `selection`, checking each value as keyctl wrote it.
    ///
    /// Throws `registryUnreadable` naming the rotation when a column holds what keyctl never
    /// writes (a value of another type, an unknown state, targets that are not a JSON array of
    /// names, step counts that do not fit its targets).
    init(row: some StoredRow) throws(KeyStoreError) {
        // Built only for an error message.
        func rotation() -> String { "rotation \(DamagedRowLabel.value(try? row.decode(String.self, column: 0, of: "")))" }
        let date = Date.init(registryEpochSeconds:)
        let targets = try row.decode(column: 10, of: rotation(), as: StoredTargets.decode)
        let snapshotsTaken = try row.decode(column: 16, of: rotation(), as: { (count: Int) in (0...targets.count).contains(count) ? count : nil })
        let ownerHost: String? = try row.decode(column: 24, of: rotation())
        self.init(
            id: try row.decode(column: 0, of: rotation()),
            keyName: try row.decode(column: 1, of: rotation(), as: KeyName.init(_:)),
            env: try row.decode(column: 2, of: rotation(), as: EnvironmentName.init(_:)),
            state: try row.decode(column: 3, of: rotation(), as: RotationState.init(rawValue:)),
            failedStep: try row.decodeIfPresent(column: 4, of: rotation(), as: RotationState.init(rawValue:)),
            failure: try row.decode(column: 5, of: rotation()),
            emergency: try row.decode(column: 6, of: rotation()),
            grace: try row.decode(column: 7, of: rotation(), as: { (seconds: Int64) in
                (0...TimeSpan.maximum.seconds).contains(seconds) ? TimeSpan(seconds: seconds) : nil
            }),
            graceUntil: try row.decodeIfPresent(column: 8, of: rotation(), as: date),
            issuer: try row.decode(column: 9, of: rotation()),
            targets: targets,
            verifier: try row.decode(column: 11, of: rotation()),
            idempotencyKey: try row.decode(column: 12, of: rotation()),
            oldVersionID: try row.decode(column: 13, of: rotation()),
            newVersionID: try row.decode(column: 14, of: rotation()),
            sealedSecret: try row.decode(Data?.self, column: 15, of: rotation()).map { Array($0) },
            snapshotsTaken: snapshotsTaken,
            deployedCount: try row.decode(column: 17, of: rotation(), as: { (count: Int) in (0...snapshotsTaken).contains(count) ? count : nil }),
            promoted: try row.decode(column: 18, of: rotation()),
            revocation: try row.decodeIfPresent(column: 19, of: rotation(), as: RevocationCheck.init(rawValue:)),
            owner: ownerHost.map { host in
                RotationOwner(
                    host: host, pid: (try? row.decode(Int32.self, column: 25, of: "")) ?? 0,
                    processStart: (try? row.decode(String.self, column: 26, of: "")) ?? "")
            },
            ownerEpoch: try row.decode(column: 27, of: rotation()),
            leaseUntil: try row.decodeIfPresent(column: 28, of: rotation(), as: date),
            actor: try row.decode(column: 20, of: rotation()),
            startedAt: try row.decode(column: 21, of: rotation(), as: date),
            updatedAt: try row.decode(column: 22, of: rotation(), as: date),
            finishedAt: try row.decodeIfPresent(column: 23, of: rotation(), as: date))
    }
}
