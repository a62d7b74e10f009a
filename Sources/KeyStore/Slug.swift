/// The shape shared by key names and environment names: `[a-z0-9][a-z0-9._-]{0,63}`.
enum Slug {
    static let pattern = "[a-z0-9][a-z0-9._-]{0,63}"

    static func isValid(_ text: String) -> Bool { isValid(utf8: text.utf8) }

    /// `isValid` on UTF-8 bytes, such as a field of an import file.
    static func isValid<Bytes: Collection<UInt8>>(utf8 bytes: Bytes) -> Bool {
        guard let first = bytes.first, bytes.count <= 64, isAlphanumeric(first) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
