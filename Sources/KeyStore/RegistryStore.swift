/// Everything a registry store provides, as the one type the CLI opens: the keys, the rotation
/// ledger, access grants and the audit chain. `SQLiteKeyRegistry` and `PostgresKeyRegistry`
/// implement it, and the shared store test suites run against both.
public protocol RegistryStore: KeyRegistry, RotationLedger, AccessRegistry, AuditChainReader {
    /// Lets go of the store's file or connections; the store is not used afterwards.
    func close() async
}
