import Foundation

/// The audit log's anchor outside the registry: signed checkpoints of the chain head, appended to
/// a file that the registry's writers cannot forge.
///
/// Someone who can rewrite the registry can recompute its hash chain, delete its newest events or
/// all of them; they cannot sign a checkpoint without the signing key. `verify` checks every
/// checkpoint's signature, the checkpoint chain, and that the registry still holds each
/// checkpointed head at its position. Events newer than the latest checkpoint are not protected.
public struct AuditAnchor: Sendable {
    /// The checkpoint file.
    public let path: String
    private let syslog: Bool

    /// The anchor `settings` configure; nil when they name no checkpoint file.
    public init?(_ settings: AuditAnchorSettings) {
        guard let path = settings.checkpointFile else { return nil }
        self.path = path
        syslog = settings.syslog
    }

    /// Signs a checkpoint of `chain`'s current head with `key` and appends it (and sends it to
    /// syslog when configured). With `onlyIfChanged`, writes nothing and returns nil when the last
    /// checkpoint already records that head. Throws `KeyStoreError` when the registry cannot be
    /// read, the file cannot be written, its checkpoints are signed by another key, or the
    /// registry no longer holds the last checkpointed head (never signs over a rewritten log).
    public func checkpoint(
        of chain: any AuditChainReader, key: AuditSigningKey, at now: Date, onlyIfChanged: Bool
    ) async throws -> AuditCheckpoint? {
        let file = AuditCheckpointFile(path: path)
        let written = try await file.append { previous in
            if let previous, previous.checkpoint.keyID != key.verificationKey.keyID {
                throw KeyStoreError(
                    .failed,
                    "the checkpoints in \(path) are signed by \(previous.checkpoint.keyID) but the audit signing key is \(key.verificationKey.keyID): restore that key (KEYCTL_AUDIT_KEY or its key file), or move \(path) aside to start a new checkpoint chain")
            }
            let head = try await chain.auditHead()
            if let last = previous?.checkpoint, last.head.events > 0,
               try await chain.auditHashes(at: [last.head.events])[last.head.events] != last.head.hash {
                throw KeyStoreError(
                    .failed,
                    "the registry no longer holds the head that checkpoint \(last.seq) in \(path) records (event \(last.head.events)): the audit log was rewritten or truncated; no checkpoint was written, run `keyctl audit verify`")
            }
            if onlyIfChanged, previous?.checkpoint.head == head { return nil }
            return try AuditCheckpoint.signed(head: head, at: now, following: previous, key: key)
        }
        if let written, syslog { AuditSyslog.send(written.line) }
        return written
    }

    /// Checks the checkpoint file against `key` and `chain`; returns the first discrepancy.
    /// Throws `KeyStoreError` only when the registry or the file cannot be read.
    public func verify(against chain: any AuditChainReader, key: AuditVerificationKey) async throws -> AuditAnchorVerdict {
        let lines = try AuditCheckpointFile(path: path).lines() ?? []
        let head = try await chain.auditHead()
        guard !lines.isEmpty else {
            if head.events == 0 { return .consistent(checkpoints: 0, latest: nil, unanchoredEvents: 0) }
            return .tampered(
                "the file holds no checkpoint but the registry has \(head.events) events: it was deleted or emptied, or no checkpoint was ever written (then run `keyctl audit checkpoint`)")
        }
        var checkpoints: [AuditCheckpoint] = []
        var previousHash = AuditEvent.genesisHash
        for (index, line) in lines.enumerated() {
            let expectedSeq = Int64(index + 1)
            guard let checkpoint = AuditCheckpoint(line: line) else {
                return .tampered("line \(index + 1) is not a checkpoint")
            }
            guard checkpoint.seq == expectedSeq, checkpoint.prevCheckpointHash == previousHash else {
                return .tampered(
                    "checkpoint \(checkpoint.seq) on line \(index + 1) does not follow the line before it (expected checkpoint \(expectedSeq) linking to it): a checkpoint was removed, inserted, edited or reordered")
            }
            guard checkpoint.keyID == key.keyID else {
                return .tampered("checkpoint \(checkpoint.seq) is signed by \(checkpoint.keyID), not by \(key.keyID)")
            }
            guard checkpoint.isSigned(by: key) else {
                return .tampered("checkpoint \(checkpoint.seq)'s signature does not verify: the line was edited")
            }
            checkpoints.append(checkpoint)
            previousHash = AuditCheckpoint.hash(ofLine: line)
        }
        let latest = checkpoints[checkpoints.count - 1]
        let highest = checkpoints.map(\.head.events).max() ?? 0
        if head.events < highest {
            let deleted = head.events == 0 ? "the registry has no events: the log was emptied" : "the registry ends at event \(head.events): events \(head.events + 1) to \(highest) were deleted"
            return .tampered("checkpoints record \(highest) events but \(deleted)")
        }
        let stored = try await chain.auditHashes(at: Set(checkpoints.map(\.head.events).filter { $0 > 0 }))
        for checkpoint in checkpoints where checkpoint.head.events > 0 {
            let position = checkpoint.head.events
            guard let hash = stored[position] else {
                return .tampered("checkpoint \(checkpoint.seq) records event \(position), which is no longer in the registry: it was deleted")
            }
            guard hash == checkpoint.head.hash else {
                return .tampered(
                    "checkpoint \(checkpoint.seq) (\(Timestamp.format(checkpoint.at))) records head \(checkpoint.head.hash.prefix(16))… at event \(position) but the registry's event \(position) has hash \(hash.prefix(16))…: events up to \(position) were rewritten and the chain recomputed")
            }
        }
        return .consistent(checkpoints: checkpoints.count, latest: latest, unanchoredEvents: max(0, head.events - latest.head.events))
    }
}
