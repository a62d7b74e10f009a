/// One table of the registry as `keyctl migrate` copies it: its name, its columns in schema order
/// and the order its rows were created in.
///
/// Every store keeps these tables with these columns (the PostgreSQL schema mirrors SQLite's
/// column for column), so a transfer is a copy of rows. `all` is the one list of them.
public struct RegistryTransferTable: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// The columns, in the order of the values of each transferred row.
    public let columns: [String]
    /// The columns that order the rows as they were created, as closely as the table records it (a
    /// time, then the primary key): a store that keeps no insertion order for the table reads in
    /// this order. Never NULL, and unique together.
    public let creationOrder: [String]

    public var description: String { name }

    /// The schema version whose layout `all` describes: a store must be at it to take part in a transfer.
    public static let schemaVersion = 6

    /// The most rows a transfer reads or writes at once.
    public static let batchSize = 500

    public static let keys = RegistryTransferTable(
        name: "keys",
        columns: [
            "id", "name", "env", "scopes", "owner", "description", "labels", "status", "created_at", "rotated_at",
            "max_age_seconds", "compromised_at", "compromise_reason", "last_verified_at", "last_verify_ok",
        ],
        creationOrder: ["created_at", "id"])

    public static let keyVersions = RegistryTransferTable(
        name: "key_versions",
        columns: ["id", "key_id", "fingerprint", "hint", "issuer_ref", "stage", "created_at", "revoked_at", "sha1"],
        creationOrder: ["created_at", "id"])

    public static let rotations = RegistryTransferTable(
        name: "rotations",
        columns: [
            "id", "key_id", "state", "failed_step", "failure", "emergency", "grace_seconds", "grace_until", "issuer",
            "targets", "verifier", "idempotency_key", "old_version_id", "new_version_id", "sealed_secret",
            "snapshots_taken", "deployed_count", "promoted", "old_still_valid", "actor", "started_at", "updated_at",
            "finished_at", "prior_rotated_at", "prior_status", "prior_compromised_at", "prior_compromise_reason",
            "owner_host", "owner_pid", "owner_start", "owner_epoch", "lease_until", "revocation",
        ],
        creationOrder: ["started_at", "id"])

    public static let rotationSnapshots = RegistryTransferTable(
        name: "rotation_snapshots", columns: ["rotation_id", "target_index", "sealed_value"], creationOrder: ["rotation_id", "target_index"])

    public static let rotationSteps = RegistryTransferTable(
        name: "rotation_steps",
        columns: ["rotation_id", "seq", "step", "target", "phase", "at", "detail"],
        creationOrder: ["at", "rotation_id", "seq"])

    public static let accessGrants = RegistryTransferTable(
        name: "access_grants",
        columns: ["id", "key_id", "principal", "granted_at", "granted_by", "reason", "revoked_at", "revoked_by", "revoke_reason"],
        creationOrder: ["granted_at", "id"])

    public static let offboardings = RegistryTransferTable(
        name: "offboardings", columns: ["id", "key_id", "principal", "at", "reason", "actor", "source"], creationOrder: ["at", "id"])

    public static let auditEvents = RegistryTransferTable(
        name: "audit_events",
        columns: ["seq", "id", "at", "actor", "action", "key_name", "key_env", "details", "prev_hash", "hash"],
        creationOrder: ["seq"])

    /// Every table of the registry, in dependency order: a table comes after those it references.
    public static let all: [RegistryTransferTable] = [
        keys, keyVersions, rotations, rotationSnapshots, rotationSteps, accessGrants, offboardings, auditEvents,
    ]
}
