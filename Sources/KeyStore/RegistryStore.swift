/// Everything a registry store provides, as one type the CLI opens: the keys, the rotation
/// ledger, access grants and the audit chain. `SQLiteKeyRegistry` and `PostgresKeyRegistry`
/// implement it, and the shared store test suites run against both.
public typealias RegistryStore = KeyRegistry & RotationLedger & AccessRegistry & AuditChainReader
