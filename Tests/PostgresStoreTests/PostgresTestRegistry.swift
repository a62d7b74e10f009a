import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresStore

extension PostgresTestDatabase {
    /// Another client of this database's registry (its own connection pool), as a second process
    /// or machine would be. `create` migrates the first time and is a no-op afterwards.
    func client(clock: ManualClock, busyTimeout: TimeInterval = 5) async throws -> PostgresKeyRegistry {
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: configuration, displayName: displayName, clock: clock, leaseClock: clock, busyTimeout: busyTimeout)
        return registry
    }

    /// The number of rows of `table`, counted by the superuser.
    func count(_ table: String) throws -> Int {
        Int(try rows("SELECT count(*)::text FROM \(table)").first?.first.flatMap { $0 } ?? "") ?? -1
    }
}

/// Import entries `key-000000` … generated one at a time, as a file reader yields them.
struct GeneratedEntries {
    let total: Int
    private(set) var produced = 0

    init(total: Int) { self.total = total }

    mutating func next() throws -> ImportEntry? {
        guard produced < total else { return nil }
        defer { produced += 1 }
        let name = String(format: "key-%06d", produced)
        return ImportEntry(draft: try draft(name, created: "2026-01-01"), location: "keys.csv:\(produced + 2)")
    }
}
