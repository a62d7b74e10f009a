/// Read access to the audit chain that an anchor needs: its head, and the hashes stored at
/// given positions.
///
/// `SQLiteKeyRegistry` implements it. Neither method checks the chain; `verifyAuditChain` does.
/// Errors are `KeyStoreError`s.
public protocol AuditChainReader: Sendable {
    /// The newest event's position and hash, or `AuditHead.empty`.
    func auditHead() async throws -> AuditHead

    /// The stored hash of each event in `positions` that exists, keyed by its sequence number.
    /// A position with no event (deleted, or never written) is absent from the result.
    func auditHashes(at positions: Set<Int64>) async throws -> [Int64: String]
}
