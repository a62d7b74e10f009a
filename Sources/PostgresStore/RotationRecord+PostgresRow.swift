import Foundation
import KeyStore
import PostgresNIO

extension RotationRecord {
    /// The columns `init(postgresRow:)` reads, in order, from `postgresSource`.
    static let postgresSelection = """
        r.id, k.name, k.env, r.state, r.failed_step, r.failure, r.emergency, r.grace_seconds, r.grace_until,
        r.issuer, r.targets, r.verifier, r.idempotency_key, r.old_version_id, r.new_version_id, r.sealed_secret,
        r.snapshots_taken, r.deployed_count, r.promoted, r.revocation, r.actor, r.started_at, r.updated_at,
        r.finished_at, r.owner_host, r.owner_pid, r.owner_start, r.owner_epoch, r.lease_until
        """
    static let postgresSource = "rotations r JOIN keys k ON k.id = r.key_id"

    /// Decodes a row selected with `postgresSelection`, checking each value as keyctl wrote it, as
    /// the SQLite store does: throws `registryUnreadable` naming the rotation when a column holds
    /// what keyctl never writes (an unknown state, targets that are not a JSON array of names, step
    /// counts that do not fit its targets).
    init(postgresRow row: PostgresRandomAccessRow) throws(KeyStoreError) {
        // Built only for an error message.
        func rotation() -> String { "rotation \(DamagedRowLabel.value(try? row.decode(String.self, column: 0, of: "")))" }
        let date = Date.init(registryEpochSeconds:)
        let flag = { (stored: Int64) -> Bool? in stored != 0 }
        let targets = try row.decode(column: 10, of: rotation(), as: StoredTargets.decode)
        let snapshotsTaken = try row.decode(column: 16, of: rotation(), as: { (count: Int64) in
            (0...Int64(targets.count)).contains(count) ? Int(count) : nil
        })
        let ownerHost: String? = try row.decode(column: 24, of: rotation())
        self.init(
            id: try row.decode(column: 0, of: rotation()),
            keyName: try row.decode(column: 1, of: rotation(), as: KeyName.init(_:)),
            env: try row.decode(column: 2, of: rotation(), as: EnvironmentName.init(_:)),
            state: try row.decode(column: 3, of: rotation(), as: RotationState.init(rawValue:)),
            failedStep: try row.decodeIfPresent(column: 4, of: rotation(), as: RotationState.init(rawValue:)),
            failure: try row.decode(column: 5, of: rotation()),
            emergency: try row.decode(column: 6, of: rotation(), as: flag),
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
            deployedCount: try row.decode(column: 17, of: rotation(), as: { (count: Int64) in
                (0...Int64(snapshotsTaken)).contains(count) ? Int(count) : nil
            }),
            promoted: try row.decode(column: 18, of: rotation(), as: flag),
            revocation: try row.decodeIfPresent(column: 19, of: rotation(), as: RevocationCheck.init(rawValue:)),
            owner: ownerHost.map { host in
                RotationOwner(
                    host: host, pid: (try? row.decode(Int64?.self, column: 25, of: "")).flatMap { $0.flatMap(Int32.init(exactly:)) } ?? 0,
                    processStart: (try? row.decode(String?.self, column: 26, of: "")).flatMap { $0 } ?? "")
            },
            ownerEpoch: try row.decode(column: 27, of: rotation(), as: { (epoch: Int64) in Int(exactly: epoch) }),
            leaseUntil: try row.decodeIfPresent(column: 28, of: rotation(), as: date),
            actor: try row.decode(column: 20, of: rotation()),
            startedAt: try row.decode(column: 21, of: rotation(), as: date),
            updatedAt: try row.decode(column: 22, of: rotation(), as: date),
            finishedAt: try row.decodeIfPresent(column: 23, of: rotation(), as: date))
    }
}
