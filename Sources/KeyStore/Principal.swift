/// Who can read a key's secret: a person, a team or a CI system.
///
/// Three forms, compared case-insensitively and stored lower-case:
/// - a person, by email: `alice@example.com` (local part `[a-z0-9._%+-]`, 1 to 64 characters, not
///   starting or ending with `.`; a domain of at least two dot-separated labels `[a-z0-9-]`, each
///   1 to 63 characters, not starting or ending with `-`);
/// - a team: `team:payments`;
/// - a CI system or other automation: `ci:github-actions`.
///
/// A team or CI name is `[a-z0-9][a-z0-9._/-]` up to 128 characters (`team:acme/payments` names a
/// GitHub team). The whole principal is at most 254 characters; spaces, control characters and
/// anything outside these sets are refused, so a principal is always safe to print and to store.
public struct Principal: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// What kind of reader a principal is.
    public enum Kind: String, Sendable, CaseIterable {
        case person, team, ci
    }

    /// The canonical, lower-case form.
    public let rawValue: String
    public let kind: Kind

    /// The longest principal accepted, in characters (an email address's limit).
    public static let maximumLength = 254

    /// The rule, as error messages state it.
    public static let rule =
        "a principal is a person's email (alice@example.com), team:NAME or ci:NAME, where NAME is [a-z0-9][a-z0-9._/-]{0,127}; at most 254 characters, no spaces or control characters"

    /// Returns nil when `text` is none of the three forms (see the type's documentation).
    public init?(_ text: String) {
        let lowered = String(decoding: text.utf8.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
        let bytes = Array(lowered.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength else { return nil }
        if let kind = Self.prefixedKind(bytes) {
            let name = bytes.dropFirst(kind.rawValue.utf8.count + 1)
            guard Self.isName(name) else { return nil }
            self.kind = kind
        } else {
            guard Self.isEmail(bytes) else { return nil }
            self.kind = .person
        }
        rawValue = lowered
    }

    /// For values read back from the registry, which were checked when written.
    public init(stored rawValue: String) {
        self.rawValue = rawValue
        self.kind = Self.prefixedKind(Array(rawValue.utf8)) ?? .person
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    private static func prefixedKind(_ bytes: [UInt8]) -> Kind? {
        for kind in [Kind.team, .ci] where bytes.starts(with: Array((kind.rawValue + ":").utf8)) { return kind }
        return nil
    }

    private static func isName(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first, name.count <= 128, isAlphanumeric(first) else { return false }
        return name.allSatisfy { isAlphanumeric($0) || [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "-")].contains($0) }
    }

    private static func isEmail(_ bytes: [UInt8]) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let local = parts[0], domain = parts[1]
        let localSymbols = Array("._%+-".utf8)
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              local.allSatisfy({ isAlphanumeric($0) || localSymbols.contains($0) })
        else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
