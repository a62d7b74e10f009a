/// The newest event of the audit chain: what a checkpoint signs.
public struct AuditHead: Sendable, Equatable {
    /// The sequence number of the newest event: the number of events in an intact chain, 0 when empty.
    public var events: Int64
    /// The newest event's hash; `AuditEvent.genesisHash` when there is none.
    public var hash: String

    public init(events: Int64, hash: String) {
        self.events = events
        self.hash = hash
    }

    /// The head of a chain with no event.
    public static let empty = AuditHead(events: 0, hash: AuditEvent.genesisHash)
}
