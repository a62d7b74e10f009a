import Crypto

/// What the registry stores instead of a secret: `sha256:` followed by 64 lowercase hex digits.
public struct Fingerprint: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    init<Bytes: Sequence<UInt8>>(of secret: Bytes) {
        rawValue = "sha256:" + SHA256.hash(data: Array(secret)).hexString
    }

    /// Accepts a stored or user-given fingerprint; nil unless it is `sha256:` and 64 hex digits.
    public init?(_ rawValue: String) {
        let hex = rawValue.utf8.dropFirst(7)
        guard rawValue.hasPrefix("sha256:"), hex.count == 64,
              hex.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    /// For values read back from the registry, which were checked when written.
    /// A value read back from the registry, which only ever stores checked values.
    public init(stored rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// Constant-time equality, for checking a candidate secret's fingerprint against a stored one.
    public func matches(_ other: Fingerprint) -> Bool {
        ConstantTime.equal(rawValue.utf8, other.rawValue.utf8)
    }
}

extension Sequence<UInt8> {
    /// Lowercase hexadecimal, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
