/// What `copyRegistry(to:...)` copied: the rows of each table, the audit chain it verified in the
/// target, and the `registry.migrate` event it appended there.
public struct RegistryTransferSummary: Sendable, Equatable {
    /// Rows copied, per table, in `RegistryTransferTable.all` order.
    public var rows: [(table: RegistryTransferTable, count: Int64)]
    /// The head of the chain as copied: the source's head, verified in the target.
    public var copiedHead: AuditHead
    /// The head after the `registry.migrate` event that continues the chain in the target.
    public var head: AuditHead

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.rows.map(\.table) == rhs.rows.map(\.table) && lhs.rows.map(\.count) == rhs.rows.map(\.count)
            && lhs.copiedHead == rhs.copiedHead && lhs.head == rhs.head
    }
}
