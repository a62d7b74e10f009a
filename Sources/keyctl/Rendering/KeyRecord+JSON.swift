import Foundation
import KeyStore

extension JSONWriter {
    /// One key record with the spec's fields; `flags` is written when given (for `report`).
    mutating func keyRecord(_ record: KeyRecord, _ assessment: KeyAssessment, flags: [ReportFlag]? = nil) {
        beginObject()
        key("name"); string(record.name.rawValue)
        key("env"); string(record.env.rawValue)
        key("scopes"); stringArray(commaSeparated: record.scopes.description)
        key("owner"); string(record.owner)
        key("description"); string(record.description)
        key("labels"); beginObject()
        for (label, value) in record.labels.sorted(by: { $0.key < $1.key }) { key(dynamic: label); string(value) }
        endObject()
        key("status"); string(record.status.rawValue)
        key("created_at"); timestamp(epochSeconds: Timestamp.epochSeconds(record.createdAt))
        key("rotated_at"); timestamp(epochSeconds: record.rotatedAt.map(Timestamp.epochSeconds))
        key("age_days"); integer(assessment.ageDays)
        key("max_age_days"); number(Double(assessment.maxAge.seconds) / 86_400)
        key("due_at"); timestamp(epochSeconds: assessment.dueAtEpochSeconds)
        key("fingerprint"); string(record.fingerprint?.rawValue)
        key("hint"); string(record.hint)
        key("last_verified_at"); timestamp(epochSeconds: record.lastVerifiedAt.map(Timestamp.epochSeconds))
        if let flags {
            key("flags"); beginArray()
            for flag in flags { string(flag.rawValue) }
            endArray()
        }
        endObject()
    }
}
