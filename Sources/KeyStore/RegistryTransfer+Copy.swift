import Foundation

extension RegistryTransfer {
    /// Copies this whole registry into `target` (`keyctl migrate`): every row of every table of
    /// `RegistryTransferTable.all`, read from one consistent snapshot and written in one target
    /// transaction, in batches (never the whole registry in memory).
    ///
    /// In that transaction, before committing, it checks that the target was empty, re-reads the
    /// target's rows to check the counts and the audit chain (intact, with the source's head), then
    /// appends a `registry.migrate` event by `actor` that continues the chain. `names` are the
    /// stores' locations for messages (never a password).
    ///
    /// Throws, with nothing written to the target: `schemaMismatch` when either store is not at
    /// `RegistryTransferTable.schemaVersion`, `conflict` when the target holds any row, `failed`
    /// when the source's audit chain is broken or the target does not hold what was copied, and
    /// the stores' own errors (`busy`, `unavailable`, ...).
    public func copyRegistry(
        to target: some RegistryTransfer, names: (source: String, target: String), actor: String, clock: any WallClock
    ) async throws -> RegistryTransferSummary {
        try await Self.requireCurrentSchema(self, name: names.source)
        try await Self.requireCurrentSchema(target, name: names.target)
        return try await readForTransfer { source in
            try await target.writeForTransfer { writer in
                try await Self.requireEmpty(writer, name: names.target)
                var rows: [(table: RegistryTransferTable, count: Int64)] = []
                var sourceChain = RegistryTransferChainCheck()
                for table in RegistryTransferTable.all {
                    var count: Int64 = 0
                    try await source.forEachBatch(of: table) { batch in
                        if table == .auditEvents { for row in batch { sourceChain.check(row) } }
                        try await writer.insert(batch, into: table)
                        count += Int64(batch.count)
                    }
                    let held = try await source.rowCount(of: table)
                    if count != held {
                        throw KeyStoreError(
                            .failed,
                            "reading \(names.source) gave \(count) rows of \(table.name), it holds \(held); nothing was copied to \(names.target)")
                    }
                    rows.append((table, count))
                }
                if let fault = sourceChain.fault {
                    throw KeyStoreError(
                        .failed,
                        "the audit chain of \(names.source) is broken at event \(fault.seq): \(fault.reason); nothing was copied to \(names.target) (see `keyctl audit verify`)")
                }
                try await Self.verifyCopy(in: writer, rows: rows, head: sourceChain.head, names: names)
                let head = try await Self.appendMigrationEvent(
                    to: writer, after: sourceChain.head, from: names.source, actor: actor, at: clock.now())
                return RegistryTransferSummary(rows: rows, copiedHead: sourceChain.head, head: head)
            }
        }
    }

    private static func requireCurrentSchema(_ store: some RegistryTransfer, name: String) async throws {
        let version = try await store.transferSchemaVersion()
        let current = RegistryTransferTable.schemaVersion
        if version < current {
            throw KeyStoreError(
                .schemaMismatch,
                "the registry at \(name) is at schema version \(version), this keyctl's is \(current): run `keyctl init --db \(name)` to upgrade it, then migrate again (nothing was copied)")
        }
        if version > current {
            throw KeyStoreError(
                .schemaMismatch,
                "the registry at \(name) was written by a newer keyctl (schema version \(version), this keyctl's is \(current)): migrate with that keyctl (nothing was copied)")
        }
    }

    private static func requireEmpty(_ writer: any RegistryTransferWriter, name: String) async throws {
        var held: [String] = []
        for table in RegistryTransferTable.all {
            let count = try await writer.rowCount(of: table)
            if count > 0 { held.append("\(count) \(table.name)") }
        }
        guard held.isEmpty else {
            throw KeyStoreError(
                .conflict,
                "the registry at \(name) is not empty (it holds \(held.joined(separator: ", "))): keyctl migrate copies only into an empty registry; it was not modified")
        }
    }

    /// Re-reads the target inside the transaction: the counts written, and the chain as stored.
    private static func verifyCopy(
        in writer: any RegistryTransferWriter, rows: [(table: RegistryTransferTable, count: Int64)], head: AuditHead,
        names: (source: String, target: String)
    ) async throws {
        func mismatch(_ what: String) -> KeyStoreError {
            KeyStoreError(.failed, "the copy in \(names.target) does not match \(names.source): \(what); nothing was written to \(names.target)")
        }
        for (table, count) in rows {
            let written = try await writer.rowCount(of: table)
            if written != count { throw mismatch("\(table.name) holds \(written) rows, \(count) were copied") }
        }
        var targetChain = RegistryTransferChainCheck()
        try await writer.forEachBatch(of: .auditEvents) { batch in for row in batch { targetChain.check(row) } }
        if let fault = targetChain.fault { throw mismatch("its audit chain is broken at event \(fault.seq): \(fault.reason)") }
        if targetChain.head != head {
            throw mismatch("its audit chain ends at event \(targetChain.head.events) (\(targetChain.head.hash)), the source's at \(head.events) (\(head.hash))")
        }
    }

    /// Appends `registry.migrate`, chained to the copied head, as a row of `audit_events`.
    private static func appendMigrationEvent(
        to writer: any RegistryTransferWriter, after head: AuditHead, from source: String, actor: String, at now: Date
    ) async throws -> AuditHead {
        let seq = head.events + 1
        let id = UUID().uuidString.lowercased()
        let at = Timestamp.epochSeconds(now)
        let details = AuditDetails(["from": source, "source_events": String(head.events), "source_head": head.hash]).json
        let action = "registry.migrate"
        let hash = AuditEvent.chainHash(
            prevHash: head.hash, seq: seq, id: id, atEpochSeconds: at, actor: actor, action: action, keyName: nil, keyEnv: nil,
            details: details)
        let row: [RegistryTransferValue] = [
            .integer(seq), .text(id), .integer(at), .text(actor), .text(action), .null, .null, .text(details), .text(head.hash),
            .text(hash),
        ]
        try await writer.insert([row], into: .auditEvents)
        return AuditHead(events: seq, hash: hash)
    }
}
