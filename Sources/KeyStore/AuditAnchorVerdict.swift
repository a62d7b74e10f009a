/// The outcome of checking the registry's audit chain against the checkpoint file.
public enum AuditAnchorVerdict: Sendable, Equatable {
    /// Every checkpoint is signed by the key, links to the one before it, and its head is in the
    /// registry. `unanchoredEvents` are newer than the latest checkpoint (nothing vouches for them).
    case consistent(checkpoints: Int, latest: AuditCheckpoint?, unanchoredEvents: Int64)
    /// The first thing that does not hold, in words: which checkpoint, what it records, what the
    /// registry or the file holds instead.
    case tampered(String)
}
