/// A permission a key carries: `resource:action` (`orders:write`) or `*` for everything.
public struct Scope: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Returns nil unless `rawValue` is `*` or `resource:action`, each part made of
    /// lowercase letters, digits, `.`, `_`, `-` (the action may also be `*`).
    public init?(_ rawValue: String) {
        guard rawValue == "*" || Scope.isResourceAction(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    init(stored rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public static let rule = "scopes are `*` or resource:action, such as orders:write"

    private static func isResourceAction(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, text.utf8.count <= 128 else { return false }
        return isPart(parts[0]) && (parts[1] == "*" || isPart(parts[1]))
    }

    private static func isPart(_ part: Substring) -> Bool {
        !part.isEmpty && part.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

/// The scopes of a key: sorted, without duplicates, never empty.
public struct ScopeSet: Hashable, Sendable, CustomStringConvertible {
    /// The stored form: comma-separated, sorted.
    public let description: String

    /// Parses a comma-separated list such as `products:read,orders:write`.
    /// Throws `invalidInput` naming the first bad scope, or when the list is empty.
    public init(parsing list: String) throws(KeyStoreError) {
        var parsed: [Scope] = []
        for piece in list.split(separator: ",", omittingEmptySubsequences: false) {
            let text = piece.trimmingSpaces()
            guard let scope = Scope(text) else {
                throw KeyStoreError(.invalidInput, "invalid scope '\(text)': \(Scope.rule)")
            }
            parsed.append(scope)
        }
        try self.init(parsed)
    }

    /// Throws `invalidInput` when `scopes` is empty.
    public init(_ scopes: [Scope]) throws(KeyStoreError) {
        guard !scopes.isEmpty else { throw KeyStoreError(.invalidInput, "a key needs at least one scope") }
        description = Set(scopes).sorted().map(\.rawValue).joined(separator: ",")
    }

    /// For the stored form read back from the registry, which was checked when written.
    /// Kept as text: `report` reads millions of these and rarely needs them split.
    init(stored list: String) {
        description = list
    }

    /// The scopes, sorted.
    public var scopes: [Scope] {
        description.split(separator: ",").map { Scope(stored: String($0)) }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
