import Foundation
import KeyStore
import GRDB

extension KeyRecord {
    /// The columns `init(row:)` reads, in order; `k` is `keys`, `v` the current version, and the
    /// last column the key's latest offboarding (found through the `offboardings_by_key` index).
    static let selection = """
        k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
        k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
        v.fingerprint, v.hint, (SELECT max(o.at) FROM offboardings o WHERE o.key_id = k.id)
        """

    /// `FROM` clause joining each key with its current version, if any.
    static let source = "keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'"

    /// Decodes a row selected with `selection`, checking each value as keyctl wrote it.
    ///
    /// Throws `registryUnreadable` naming the key when a column holds what keyctl never writes
    /// (a value of another type, NULL in a required column, a date outside years 0001 to 9999).
    init(row: some StoredRow) throws(KeyStoreError) {
        // Built only for an error message: `report` decodes millions of rows.
        func key() -> String {
            "key '\(DamagedRowLabel.value(try? row.decode(String.self, column: 0, of: "")))' (\(DamagedRowLabel.value(try? row.decode(String.self, column: 1, of: ""))))"
        }
        let date = Date.init(registryEpochSeconds:)
        self.init(
            name: try row.decode(column: 0, of: key(), as: KeyName.init(_:)),
            env: try row.decode(column: 1, of: key(), as: EnvironmentName.init(_:)),
            scopes: ScopeSet(stored: try row.decode(column: 2, of: key())),
            owner: try row.decode(column: 3, of: key()),
            description: try row.decode(column: 4, of: key()),
            labels: try row.decode(column: 5, of: key(), as: LabelCoding.decode),
            status: try row.decode(column: 6, of: key(), as: KeyStatus.init(rawValue:)),
            createdAt: try row.decode(column: 7, of: key(), as: date),
            rotatedAt: try row.decodeIfPresent(column: 8, of: key(), as: date),
            maxAge: try row.decodeIfPresent(column: 9, of: key(), as: TimeSpan.init(storedSeconds:)),
            compromisedAt: try row.decodeIfPresent(column: 10, of: key(), as: date),
            compromiseReason: try row.decode(column: 11, of: key()),
            lastVerifiedAt: try row.decodeIfPresent(column: 12, of: key(), as: date),
            lastVerifyOK: try row.decode(column: 13, of: key()),
            fingerprint: try row.decodeIfPresent(column: 14, of: key(), as: Fingerprint.init(_:)),
            hint: try row.decode(column: 15, of: key()),
            offboardedAt: try row.decodeIfPresent(column: 16, of: key(), as: date))
    }
}

extension KeyVersion {
    /// The columns `init(row:)` reads, in order, from `key_versions v`.
    static let selection = "v.id, v.fingerprint, v.hint, v.issuer_ref, v.stage, v.created_at, v.revoked_at"

    /// Decodes a row selected with `selection`; throws `registryUnreadable` naming the version
    /// when a column holds what keyctl never writes.
    init(row: some StoredRow) throws(KeyStoreError) {
        func version() -> String { "key version \(DamagedRowLabel.value(try? row.decode(String.self, column: 0, of: "")))" }
        let date = Date.init(registryEpochSeconds:)
        self.init(
            id: try row.decode(column: 0, of: version()), fingerprint: try row.decode(column: 1, of: version(), as: Fingerprint.init(_:)),
            hint: try row.decode(column: 2, of: version()), issuerRef: try row.decode(column: 3, of: version()),
            stage: try row.decode(column: 4, of: version(), as: VersionStage.init(rawValue:)),
            createdAt: try row.decode(column: 5, of: version(), as: date),
            revokedAt: try row.decodeIfPresent(column: 6, of: version(), as: date))
    }
}

/// Labels are stored as a JSON object with sorted keys.
enum LabelCoding {
    static func encode(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The labels of a stored object; nil when `json` is not an object of strings.
    static func decode(_ json: String) -> [String: String]? {
        if json == "{}" { return [:] }
        return try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))
    }
}
