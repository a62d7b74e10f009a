import Foundation

/// The registry of keys: the one seam between keyctl's commands and where keys are stored.
///
/// Every method that changes something runs as one transaction together with its audit event:
/// either both are written or neither is. Errors are `KeyStoreError`s whose category tells the
/// caller what kind of failure it was (`busy` when another process holds the registry).
/// `SQLiteKeyRegistry` is the embedded implementation; a shared server store implements the same.
public protocol KeyRegistry: Sendable {
    /// Registers a key, with the fingerprint of its current secret when one is given.
    /// Throws `conflict` when the key or the secret is already registered.
    func addKey(_ draft: KeyDraft, secret: Secret?, actor: String) async throws -> KeyRecord

    /// Registers every entry `next` yields or none, recording one `key.import` event naming
    /// `source`. Entries are written as they come, in one transaction: an error thrown by `next`
    /// rolls it back. Throws `conflict` naming the location of the first key that exists already
    /// (in the registry or earlier in the import). Returns how many keys were added.
    func importKeys(source: String, actor: String, from next: () throws -> ImportEntry?) async throws -> Int

    /// The key with its versions and latest events. Throws `notFound`.
    func keyDetail(name: KeyName, env: EnvironmentName, recentEvents: Int) async throws -> KeyDetail

    /// Calls `body` with each key matching `filter`, ordered by environment then name.
    func forEachKey(matching filter: KeyFilter, _ body: (KeyRecord) throws -> Void) async throws

    /// Calls `body` with each key that `report` must look at as of `asOf`: every non-retired
    /// key when `includeUnflagged`, otherwise only those that are due, overdue, compromised,
    /// failed verification or offboarding under `policies`. Ordered by environment then name.
    func forEachReportCandidate(
        env: EnvironmentName?, policies: PolicyTable, asOf: Date, includeUnflagged: Bool,
        _ body: (KeyRecord) throws -> Void
    ) async throws

    /// Applies `changes`. Throws `notFound`, or `invalidInput` when there is nothing to change.
    func updateKey(name: KeyName, env: EnvironmentName, changes: KeyChanges, actor: String) async throws -> KeyRecord

    /// Marks the key retired. Throws `notFound`, or `conflict` when it already is.
    func retireKey(name: KeyName, env: EnvironmentName, actor: String) async throws -> KeyRecord

    /// Marks the key compromised, recording the reason. Throws `notFound`.
    func markCompromised(name: KeyName, env: EnvironmentName, reason: String, actor: String) async throws -> KeyRecord

    /// Marks compromised the key one of whose versions has this fingerprint. Throws `notFound`.
    func markCompromised(fingerprint: Fingerprint, reason: String, actor: String) async throws -> IdentifiedSecret

    /// The key and version whose secret has this fingerprint, or nil.
    func identify(_ fingerprint: Fingerprint) async throws -> IdentifiedSecret?

    /// The key and version whose secret has this unsalted SHA-1 (a detect-secrets `hashed_secret`),
    /// or nil. Only versions registered since the SHA-1 was recorded (schema 5) can match.
    func identify(sha1: SecretSHA1) async throws -> IdentifiedSecret?

    /// Calls `body` with each event matching `filter`, oldest first.
    func forEachAuditEvent(matching filter: AuditFilter, _ body: (AuditEvent) throws -> Void) async throws

    /// Recomputes the audit chain and names the first event that was edited, deleted or reordered.
    func verifyAuditChain() async throws -> AuditChainVerdict
}

extension KeyRegistry {
    /// `importKeys(source:actor:from:)` for entries already in memory.
    public func importKeys(_ entries: [ImportEntry], source: String, actor: String) async throws -> Int {
        var remaining = entries.makeIterator()
        return try await importKeys(source: source, actor: actor) { remaining.next() }
    }
}
