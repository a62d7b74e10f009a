/// A permission a key carries: `resource:action` (`orders:write`) or `*` for everything.
public struct Scope: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Returns nil unless `rawValue` is `*` or `resource:action`, each part made of
    /// lowercase letters, digits, `.`, `_`, `-` (the action may also be `*`).
    public init?(_ rawValue: String) {
        guard Scope.isValid(rawValue.utf8) else { return nil }
        self.rawValue = rawValue
    }

    /// A value read back from the registry, which only ever stores checked values.
    public init(stored rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public static let rule = "scopes are `*` or resource:action, such as orders:write"

    /// Whether `bytes` (UTF-8) is `*` or `resource:action`, at most 128 bytes.
    static func isValid<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard bytes.count <= 128 else { return false }
        if bytes.count == 1 && bytes.first == UInt8(ascii: "*") { return true }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let resource = bytes[..<colon]
        let action = bytes[bytes.index(after: colon)...]
        return isPart(resource) && ((action.count == 1 && action.first == UInt8(ascii: "*")) || isPart(action))
    }

    /// A non-empty run of lowercase letters, digits, `.`, `_` and `-` (so never a `:`).
    private static func isPart<Bytes: Collection<UInt8>>(_ part: Bytes) -> Bool {
        !part.isEmpty && part.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}

/// The scopes of a key: sorted, without duplicates, never empty.
public struct ScopeSet: Hashable, Sendable, CustomStringConvertible {
    /// The stored form: comma-separated, sorted.
    public let description: String

    /// Parses a comma-separated list such as `products:read,orders:write`; spaces and tabs around
    /// each scope are ignored. Throws `invalidInput` naming the first bad scope.
    public init(parsing list: String) throws(KeyStoreError) {
        try self.init(parsingUTF8: Array(list.utf8)[...])
    }

    /// `init(parsing:)` on UTF-8 bytes, such as a field of an import file: the scopes are checked,
    /// sorted and deduplicated as bytes (every valid scope is ASCII, where byte order is string
    /// order), and only the stored form is made a String.
    init(parsingUTF8 list: ArraySlice<UInt8>) throws(KeyStoreError) {
        var pieces: [ArraySlice<UInt8>] = []
        var start = list.startIndex
        while true {
            let end = list[start...].firstIndex(of: UInt8(ascii: ",")) ?? list.endIndex
            let piece = Self.trimmingSpaces(list[start..<end])
            guard Scope.isValid(piece) else {
                throw KeyStoreError(.invalidInput, "invalid scope '\(String(decoding: piece, as: UTF8.self))': \(Scope.rule)")
            }
            pieces.append(piece)
            guard end < list.endIndex else { break }
            start = end + 1
        }
        if pieces.count > 1 {
            pieces.sort { $0.lexicographicallyPrecedes($1) }
        }
        var stored: [UInt8] = []
        stored.reserveCapacity(list.count)
        var previous: ArraySlice<UInt8>?
        for piece in pieces where previous.map({ !$0.elementsEqual(piece) }) ?? true {
            if !stored.isEmpty { stored.append(UInt8(ascii: ",")) }
            stored.append(contentsOf: piece)
            previous = piece
        }
        description = String(decoding: stored, as: UTF8.self)
    }

    private static func trimmingSpaces(_ piece: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = piece.firstIndex(where: { !isSpace($0) }), let last = piece.lastIndex(where: { !isSpace($0) }) else {
            return piece[piece.endIndex...]
        }
        return piece[first...last]
    }

    /// Throws `invalidInput` when `scopes` is empty.
    public init(_ scopes: [Scope]) throws(KeyStoreError) {
        guard !scopes.isEmpty else { throw KeyStoreError(.invalidInput, "a key needs at least one scope") }
        description = Set(scopes).sorted().map(\.rawValue).joined(separator: ",")
    }

    /// For the stored form read back from the registry, which was checked when written.
    /// Kept as text: `report` reads millions of these and rarely needs them split.
    public init(stored list: String) {
        description = list
    }

    /// The scopes, sorted.
    public var scopes: [Scope] {
        description.split(separator: ",").map { Scope(stored: String($0)) }
    }
}
