import Crypto
import Foundation

extension AuditEvent {
    /// The `prevHash` of the first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The sequence number of the event appended after the one stored with `seq`; nil when `seq`
    /// is not one keyctl writes (they count up from 1) or has no successor.
    public static func seq(after seq: Int64) -> Int64? {
        seq >= 1 && seq < .max ? seq + 1 : nil
    }

    /// The hex SHA-256 over the previous hash and this event's canonical content.
    ///
    /// Each field is length-prefixed so no two different events share a canonical form, and the
    /// sequence number is included so that swapping two rows' contents breaks the chain.
    public static func chainHash(
        prevHash: String, seq: Int64, id: String, atEpochSeconds: Int64, actor: String, action: String,
        keyName: String?, keyEnv: String?, details: String
    ) -> String {
        var canonical = "keyctl-audit-v1\n"
        for field in [prevHash, String(seq), id, String(atEpochSeconds), actor, action, keyName ?? "\u{0}", keyEnv ?? "\u{0}", details] {
            canonical += "\(field.utf8.count):\(field)\n"
        }
        return SHA256.hash(data: Array(canonical.utf8)).hexString
    }

    /// The hash this event should store, recomputed from its content.
    public var expectedHash: String {
        Self.chainHash(
            prevHash: prevHash, seq: seq, id: id, atEpochSeconds: Timestamp.epochSeconds(at), actor: actor,
            action: action, keyName: keyName, keyEnv: keyEnv, details: details)
    }
}

/// Details of an audit event as a JSON object with sorted keys.
public struct AuditDetails {
    private var fields: [String: String] = [:]

    public init(_ fields: [String: String] = [:]) { self.fields = fields }

    public subscript(key: String) -> String? {
        get { fields[key] }
        set { fields[key] = newValue }
    }

    /// `{"key":"value",...}`, keys sorted: the same bytes for the same details, every time.
    public var json: String {
        "{" + fields.sorted { $0.key < $1.key }.map { "\(JSONString.quoted($0.key)):\(JSONString.quoted($0.value))" }.joined(separator: ",") + "}"
    }
}
