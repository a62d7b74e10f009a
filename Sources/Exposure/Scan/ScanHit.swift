import KeyStore

/// A finding of `keyctl scan` before the registry is asked about it: the finding itself and the
/// masked form of its secret, the only form of it that is ever shown.
public struct ScanHit: Sendable {
    public var finding: LeakFinding
    /// The format's public prefix, `****` and the last 4 characters (`ghp_****Ab12`); `****` and
    /// the last 4 for a secret without a known prefix; the last 4 are left out when fewer than 16
    /// characters follow the prefix.
    public var masked: String
    /// A gitleaks allowlist accepts it: it is dropped after triage unless it is a live registered
    /// key, which no allowlist hides (a repository's own rules file could otherwise hide its leaks).
    var allowlisted = false

    /// Masks `secret`, keeping its first `publicPrefixLength` bytes (a format's public prefix).
    static func masked(_ secret: [UInt8], publicPrefixLength: Int) -> String {
        let prefix = String(decoding: secret.prefix(publicPrefixLength), as: UTF8.self)
        let rest = secret.count - publicPrefixLength
        guard rest >= 16 else { return prefix + "****" }
        return prefix + "****" + String(decoding: secret.suffix(4), as: UTF8.self)
    }
}
