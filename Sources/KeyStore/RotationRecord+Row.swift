import Foundation
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

    init(row: Row) {
        let targetsJSON: String = row[10]
        let sealed: Data? = row[15]
        self.init(
            id: row[0], keyName: KeyName(stored: row[1]), env: EnvironmentName(stored: row[2]),
            state: RotationState(rawValue: row[3]) ?? .failed, failedStep: (row[4] as String?).flatMap(RotationState.init(rawValue:)),
            failure: row[5], emergency: row[6], grace: TimeSpan(seconds: row[7]),
            graceUntil: (row[8] as Int64?).map(Date.init(epochSeconds:)), issuer: row[9],
            targets: (try? JSONDecoder().decode([String].self, from: Data(targetsJSON.utf8))) ?? [],
            verifier: row[11], idempotencyKey: row[12], oldVersionID: row[13], newVersionID: row[14],
            sealedSecret: sealed.map { Array($0) }, snapshotsTaken: row[16], deployedCount: row[17], promoted: row[18],
            revocation: (row[19] as String?).flatMap(RevocationCheck.init(rawValue:)),
            owner: (row[24] as String?).map { RotationOwner(host: $0, pid: row[25], processStart: row[26] ?? "") },
            ownerEpoch: row[27], leaseUntil: (row[28] as Int64?).map(Date.init(epochSeconds:)), actor: row[20], startedAt: Date(epochSeconds: row[21]),
            updatedAt: Date(epochSeconds: row[22]), finishedAt: (row[23] as Int64?).map(Date.init(epochSeconds:)))
    }
}
