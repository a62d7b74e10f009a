/// Walks audit rows as a transfer reads them, checking the chain as `verifyAuditChain` does: each
/// event is at the next position, links to the hash before it, and hashes to what it stores.
struct RegistryTransferChainCheck {
    private(set) var head = AuditHead.empty
    /// The first fault found; the walk stops checking there.
    private(set) var fault: (seq: Int64, reason: String)?

    /// Checks one row of `audit_events`, its values in `RegistryTransferTable.auditEvents` order.
    mutating func check(_ row: [RegistryTransferValue]) {
        guard fault == nil else { return }
        guard row.count == 10, case .integer(let seq) = row[0], case .text(let id) = row[1], case .integer(let at) = row[2],
              case .text(let actor) = row[3], case .text(let action) = row[4], case .text(let details) = row[7],
              case .text(let prevHash) = row[8], case .text(let hash) = row[9],
              let keyName = Self.optionalText(row[5]), let keyEnv = Self.optionalText(row[6])
        else {
            fault = (Self.seq(row) ?? head.events + 1, "a column holds a value of another type than keyctl writes")
            return
        }
        if seq != head.events + 1 {
            fault = (seq, "events \(head.events + 1) to \(seq - 1) are missing (deleted)")
        } else if prevHash != head.hash {
            fault = (seq, "it does not link to the event before it (an event was deleted, inserted or reordered)")
        } else if hash != AuditEvent.chainHash(
            prevHash: prevHash, seq: seq, id: id, atEpochSeconds: at, actor: actor, action: action,
            keyName: keyName, keyEnv: keyEnv, details: details)
        {
            fault = (seq, "its content does not match its hash (it was edited)")
        } else {
            head = AuditHead(events: seq, hash: hash)
        }
    }

    /// The text or NULL a nullable text column holds; nil for a value of another type.
    private static func optionalText(_ value: RegistryTransferValue) -> String?? {
        switch value {
        case .text(let text): .some(text)
        case .null: .some(nil)
        default: nil
        }
    }

    private static func seq(_ row: [RegistryTransferValue]) -> Int64? {
        if case .integer(let seq)? = row.first { return seq }
        return nil
    }
}
