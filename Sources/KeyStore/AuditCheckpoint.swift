import Crypto
import Foundation

/// A signed statement that the audit chain had `head` at time `at`: one JSON line of the
/// checkpoint file, linked to the line before it by that line's hash (as CloudTrail digest
/// files are), so that a removed, edited or reordered checkpoint breaks the checkpoint chain.
///
/// `{"seq":1,"head_hash":"…","event_count":5,"at":"2026-11-29T12:00:00Z","prev_checkpoint_hash":"…","key_id":"ed25519:…","signature":"…"}`
public struct AuditCheckpoint: Sendable, Equatable {
    /// Position in the checkpoint chain, from 1.
    public var seq: Int64
    /// The audit chain's newest event when the checkpoint was signed.
    public var head: AuditHead
    public var at: Date
    /// The SHA-256 of the previous checkpoint's line; `AuditEvent.genesisHash` for the first.
    public var prevCheckpointHash: String
    public var keyID: String
    /// The Ed25519 signature of `signedBytes`.
    public var signature: Data

    /// Signs a checkpoint of `head` following `previous` (the last line of the file, nil for the first).
    static func signed(head: AuditHead, at: Date, following previous: (checkpoint: AuditCheckpoint, line: String)?, key: AuditSigningKey) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(
            seq: (previous?.checkpoint.seq ?? 0) + 1, head: head, at: at,
            prevCheckpointHash: previous.map { Self.hash(ofLine: $0.line) } ?? AuditEvent.genesisHash,
            keyID: key.verificationKey.keyID, signature: Data())
        checkpoint.signature = try key.signature(for: checkpoint.signedBytes)
        return checkpoint
    }

    /// What the signature covers: every field but the signature, each length-prefixed.
    var signedBytes: [UInt8] {
        var canonical = "keyctl-audit-checkpoint-v1\n"
        for field in [String(seq), head.hash, String(head.events), Timestamp.format(at), prevCheckpointHash, keyID] {
            canonical += "\(field.utf8.count):\(field)\n"
        }
        return Array(canonical.utf8)
    }

    /// Whether `key` signed this checkpoint as it stands.
    public func isSigned(by key: AuditVerificationKey) -> Bool {
        keyID == key.keyID && key.isValidSignature(signature, for: signedBytes)
    }

    /// The checkpoint as one JSON line, without the newline. Every value is digits, hex, base64
    /// or a timestamp, so nothing needs escaping.
    public var line: String {
        "{\"seq\":\(seq),\"head_hash\":\"\(head.hash)\",\"event_count\":\(head.events),\"at\":\"\(Timestamp.format(at))\","
            + "\"prev_checkpoint_hash\":\"\(prevCheckpointHash)\",\"key_id\":\"\(keyID)\",\"signature\":\"\(signature.base64EncodedString())\"}"
    }

    /// The hex SHA-256 of a line as stored (without its newline): what the next checkpoint links to.
    static func hash(ofLine line: String) -> String {
        SHA256.hash(data: Array(line.utf8)).hexString
    }

    /// Parses a line of the checkpoint file; nil when it is not a well-formed checkpoint.
    init?(line: String) {
        guard let fields = try? JSONDecoder().decode(Fields.self, from: Data(line.utf8)),
              let at = Timestamp.parse(fields.at),
              let signature = Data(base64Encoded: fields.signature)
        else { return nil }
        self.init(
            seq: fields.seq, head: AuditHead(events: fields.eventCount, hash: fields.headHash), at: at,
            prevCheckpointHash: fields.prevCheckpointHash, keyID: fields.keyID, signature: signature)
    }

    init(seq: Int64, head: AuditHead, at: Date, prevCheckpointHash: String, keyID: String, signature: Data) {
        self.seq = seq
        self.head = head
        self.at = at
        self.prevCheckpointHash = prevCheckpointHash
        self.keyID = keyID
        self.signature = signature
    }

    private struct Fields: Decodable {
        let seq: Int64
        let headHash: String
        let eventCount: Int64
        let at: String
        let prevCheckpointHash: String
        let keyID: String
        let signature: String

        enum CodingKeys: String, CodingKey {
            case seq, at, signature
            case headHash = "head_hash", eventCount = "event_count", prevCheckpointHash = "prev_checkpoint_hash", keyID = "key_id"
        }
    }
}
