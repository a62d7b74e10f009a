import Crypto

/// The unsalted SHA-1 of a secret as 40 lowercase hex digits: what a detect-secrets baseline
/// stores as `hashed_secret`.
///
/// keyctl records it beside the SHA-256 `Fingerprint` of every secret it sees, only so that such a
/// baseline can be matched to a key. It is never shown in place of the fingerprint: a match is
/// reported with the matched version's fingerprint.
public struct SecretSHA1: Hashable, Sendable {
    public let rawValue: String

    init<Bytes: Sequence<UInt8>>(of secret: Bytes) {
        rawValue = Insecure.SHA1.hash(data: Array(secret)).hexString
    }

    /// Accepts a digest as a scanner writes it (40 hex digits, either case); nil otherwise.
    public init?(hex: String) {
        let lowered = hex.lowercased()
        guard lowered.utf8.count == 40, lowered.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        rawValue = lowered
    }

    /// Constant-time equality, for checking a candidate digest against a stored one.
    public func matches(_ other: SecretSHA1) -> Bool {
        ConstantTime.equal(rawValue.utf8, other.rawValue.utf8)
    }
}
