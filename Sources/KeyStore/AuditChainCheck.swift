/// Walks the audit chain event by event in `seq` order, as `verifyAuditChain` does in every store:
/// a gap in `seq` is a deleted event, a wrong `prevHash` a deleted, inserted or reordered one, a
/// hash that does not match the content an edited one.
public struct AuditChainCheck {
    private var expectedSeq: Int64 = 1
    private var previousHash = AuditEvent.genesisHash

    public init() {}

    /// Checks the next event; returns the `broken` verdict naming it, or nil while the chain holds.
    public mutating func check(_ event: AuditEvent) -> AuditChainVerdict? {
        if event.seq != expectedSeq {
            return .broken(seq: event.seq, eventID: event.id, reason: "events \(expectedSeq) to \(event.seq - 1) are missing (deleted)")
        }
        if event.prevHash != previousHash {
            return .broken(
                seq: event.seq, eventID: event.id,
                reason: "it does not link to the event before it (an event was deleted, inserted or reordered)")
        }
        if event.hash != event.expectedHash {
            return .broken(seq: event.seq, eventID: event.id, reason: "its content does not match its hash (it was edited)")
        }
        previousHash = event.hash
        expectedSeq += 1
        return nil
    }

    /// The verdict once every event has been checked without a break.
    public var intact: AuditChainVerdict { .intact(events: expectedSeq - 1, headHash: previousHash) }
}
