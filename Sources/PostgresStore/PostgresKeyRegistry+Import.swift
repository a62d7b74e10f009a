import Foundation
import KeyStore
import PostgresNIO

extension PostgresKeyRegistry {
    /// How many entries one `INSERT` writes: 1,000 rows of 10 bound values, within PostgreSQL's
    /// 65,535 parameters, and few enough that an import holds one batch in memory, never the file.
    static let importBatchSize = 1_000

    public func importKeys(source: String, actor: String, from next: () throws -> ImportEntry?) async throws -> Int {
        try await write { connection, now in
            var ids = RandomUUIDs()
            var batch: [ImportEntry] = []
            batch.reserveCapacity(Self.importBatchSize)
            var count = 0
            while let entry = try next() {
                batch.append(entry)
                if batch.count == Self.importBatchSize {
                    try await insertBatch(batch, connection, now: now, ids: &ids)
                    count += batch.count
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty {
                try await insertBatch(batch, connection, now: now, ids: &ids)
                count += batch.count
            }
            try await PostgresAuditLog.append(
                connection, at: now, actor: actor, action: "key.import", key: nil,
                details: AuditDetails(["source": source, "count": String(count)]))
            return count
        }
    }

    /// Inserts `batch` in one statement after checking that none of its keys exists, in the
    /// registry (including earlier batches) or earlier in the batch: the first that does is
    /// reported by its location, as the SQLite store reports the first failing row.
    private func insertBatch(
        _ batch: [ImportEntry], _ connection: PostgresConnection, now: Date, ids: inout RandomUUIDs
    ) async throws {
        let existing = try await connection.all(
            """
            SELECT k.env, k.name FROM keys k
            JOIN unnest(\(batch.map(\.draft.env.rawValue)), \(batch.map(\.draft.name.rawValue))) AS b (env, name)
              ON k.env = b.env AND k.name = b.name
            """)
        var taken = Set<KeyReference>()
        for row in existing {
            taken.insert(
                KeyReference(
                    KeyName(stored: try row.decode(column: 1, of: "a key")), EnvironmentName(stored: try row.decode(column: 0, of: "a key"))))
        }
        for entry in batch {
            let key = KeyReference(entry.draft.name, entry.draft.env)
            guard !taken.contains(key) else {
                throw KeyStoreError(
                    .conflict,
                    "\(entry.location): key '\(entry.draft.name)' in '\(entry.draft.env)' already exists (in the registry or earlier in the file); nothing was imported")
            }
            taken.insert(key)
        }
        var statement = SQLQuery(KeyDraft.postgresInsertPrefix)
        for (index, entry) in batch.enumerated() {
            if index > 0 { statement.append(", ") }
            entry.draft.appendValues(to: &statement, id: ids.next(), now: now)
        }
        try await connection.run(statement.query)
    }
}
