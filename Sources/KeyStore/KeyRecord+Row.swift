import Foundation
import GRDB

extension KeyRecord {
    /// The columns `init(row:)` reads, in order; `k` is `keys`, `v` the current version.
    static let selection = """
        k.name, k.env, k.scopes, k.owner, k.description, k.labels, k.status, k.created_at, k.rotated_at,
        k.max_age_seconds, k.compromised_at, k.compromise_reason, k.last_verified_at, k.last_verify_ok,
        v.fingerprint, v.hint
        """

    /// `FROM` clause joining each key with its current version, if any.
    static let source = "keys k LEFT JOIN key_versions v ON v.key_id = k.id AND v.stage = 'current'"

    /// Decodes a row selected with `selection`. Values were checked when written.
    init(row: Row) {
        let labelsJSON: String = row[5]
        self.init(
            name: KeyName(stored: row[0]),
            env: EnvironmentName(stored: row[1]),
            scopes: ScopeSet(stored: row[2]),
            owner: row[3],
            description: row[4],
            labels: labelsJSON == "{}" ? [:] : LabelCoding.decode(labelsJSON),
            status: KeyStatus(rawValue: row[6]) ?? .active,
            createdAt: Date(epochSeconds: row[7]),
            rotatedAt: (row[8] as Int64?).map(Date.init(epochSeconds:)),
            maxAge: (row[9] as Int64?).map(TimeSpan.init(seconds:)),
            compromisedAt: (row[10] as Int64?).map(Date.init(epochSeconds:)),
            compromiseReason: row[11],
            lastVerifiedAt: (row[12] as Int64?).map(Date.init(epochSeconds:)),
            lastVerifyOK: row[13],
            fingerprint: (row[14] as String?).map(Fingerprint.init(stored:)),
            hint: row[15])
    }
}

extension KeyVersion {
    /// The columns `init(row:)` reads, in order, from `key_versions v`.
    static let selection = "v.id, v.fingerprint, v.hint, v.issuer_ref, v.stage, v.created_at, v.revoked_at"

    init(row: Row) {
        self.init(
            id: row[0], fingerprint: Fingerprint(stored: row[1]), hint: row[2], issuerRef: row[3],
            stage: VersionStage(rawValue: row[4]) ?? .revoked, createdAt: Date(epochSeconds: row[5]),
            revokedAt: (row[6] as Int64?).map(Date.init(epochSeconds:)))
    }
}

extension Date {
    init(epochSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(epochSeconds)) }
}

/// Labels are stored as a JSON object with sorted keys.
enum LabelCoding {
    static func encode(_ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(labels)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func decode(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}
