/// A raw credential held in memory only long enough to fingerprint it.
///
/// It never prints itself: `description`, `debugDescription` and reflection all say `<redacted>`,
/// so a secret that reaches a log line or an error message by mistake shows nothing.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let bytes: [UInt8]

    /// Builds a secret from text read from stdin, an environment variable or a file:
    /// one trailing newline is dropped. Throws `invalidInput` when nothing is left.
    public init(reading text: String) throws(KeyStoreError) {
        var value = Substring(text)
        if value.hasSuffix("\r\n") { value = value.dropLast(2) } else if value.hasSuffix("\n") { value = value.dropLast() }
        guard !value.isEmpty else { throw KeyStoreError(.invalidInput, "the secret is empty") }
        guard !value.contains("\n") else {
            throw KeyStoreError(.invalidInput, "the secret spans several lines; give exactly one secret")
        }
        bytes = Array(value.utf8)
    }

    /// A secret from raw bytes (a minted key, an unsealed value). Throws `invalidInput` when empty.
    public init(bytes: [UInt8]) throws(KeyStoreError) {
        guard !bytes.isEmpty else { throw KeyStoreError(.invalidInput, "the secret is empty") }
        self.bytes = bytes
    }

    /// The raw bytes, for the adapters that must hand the secret on (a file, a request, a pipe)
    /// and for sealing. Every call site is a place where the secret leaves keyctl's custody.
    public func revealBytes() -> [UInt8] { bytes }

    /// The secret as text, for the same places as `revealBytes()`.
    public func revealText() -> String { String(decoding: bytes, as: UTF8.self) }

    /// `sha256:` and the hex SHA-256 of the secret: what the registry stores.
    public var fingerprint: Fingerprint { Fingerprint(of: bytes) }

    /// The hex SHA-1 of the secret, recorded beside the fingerprint so detect-secrets baselines match.
    public var sha1: SecretSHA1 { SecretSHA1(of: bytes) }

    /// A masked form safe to show: `****` and the last 4 characters, or `****` alone for a
    /// secret shorter than 16 characters, where 4 characters would give away too much.
    public var hint: String {
        let characters = String(decoding: bytes, as: UTF8.self)
        guard characters.count >= 16 else { return "****" }
        return "****" + characters.suffix(4)
    }

    /// Compares two secrets in constant time (for secrets of equal length).
    public func isEqual(to other: Secret) -> Bool {
        ConstantTime.equal(bytes, other.bytes)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
