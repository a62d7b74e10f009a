import Foundation
import KeyStore
import GRDB

extension SQLiteKeyRegistry {
    public func importKeys(
        source: String, actor: String, from next: () throws -> ImportEntry?
    ) async throws -> Int {
        try write { db, now in
            let statement = try db.makeStatement(sql: KeyDraft.insertSQL)
            var ids = RandomUUIDs()
            var count = 0
            while let entry = try next() {
                do {
                    try statement.execute(arguments: entry.draft.insertArguments(id: ids.next(), now: now))
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
                    throw KeyStoreError(
                        .conflict,
                        "\(entry.location): key '\(entry.draft.name)' in '\(entry.draft.env)' already exists (in the registry or earlier in the file); nothing was imported")
                }
                count += 1
            }
            try AuditLog.append(
                db, at: now, actor: actor, action: "key.import", key: nil,
                details: AuditDetails(["source": source, "count": String(count)]))
            return count
        }
    }
}
