import Foundation
import GRDB

extension SQLiteKeyRegistry {
    public func importKeys(_ entries: [ImportEntry], source: String, actor: String) async throws -> Int {
        try write { db, now in
            let statement = try db.makeStatement(sql: KeyDraft.insertSQL)
            for entry in entries {
                do {
                    try statement.execute(arguments: entry.draft.insertArguments(id: UUID().uuidString.lowercased(), now: now))
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw KeyStoreError(
                        .conflict,
                        "\(entry.location): key '\(entry.draft.name)' in '\(entry.draft.env)' already exists (in the registry or earlier in the file); nothing was imported")
                }
            }
            try AuditLog.append(
                db, at: now, actor: actor, action: "key.import", key: nil,
                details: AuditDetails(["source": source, "count": String(entries.count)]))
            return entries.count
        }
    }
}
