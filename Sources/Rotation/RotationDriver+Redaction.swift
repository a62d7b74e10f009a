import KeyStore

extension RotationDriver {
    /// A redactor for every secret in play in `record`: the new secret once created and the
    /// targets' previous values (the old secret). A value that cannot be unsealed is left out:
    /// the adapters redact what they were given themselves.
    func redactor(for record: RotationRecord) async -> SecretRedactor {
        var secrets: [Secret] = []
        if let sealed = record.sealedSecret, let secret = try? custody.open(sealed, rotationID: record.id, purpose: "new-secret") {
            secrets.append(secret)
        }
        let snapshots = (try? await ledger.snapshots(rotationID: record.id)) ?? [:]
        for (index, sealed) in snapshots {
            if let sealed, let secret = try? custody.open(sealed, rotationID: record.id, purpose: "snapshot-\(index)") { secrets.append(secret) }
        }
        return SecretRedactor(secrets: secrets)
    }
}
