/// A set of bytes, tested with one table lookup: the characters a token's body may hold.
struct ByteClass: Sendable {
    private var members = [Bool](repeating: false, count: 256)

    /// The bytes of `characters`, where `a-z` stands for the range.
    init(_ characters: String) {
        let bytes = Array(characters.utf8)
        var index = 0
        while index < bytes.count {
            if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "-") {
                for byte in bytes[index]...bytes[index + 2] { members[Int(byte)] = true }
                index += 3
            } else {
                members[Int(bytes[index])] = true
                index += 1
            }
        }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool { members[Int(byte)] }

    static let alphanumeric = ByteClass("A-Za-z0-9")
    static let alphanumericUnderscore = ByteClass("A-Za-z0-9_")
    static let alphanumericDash = ByteClass("A-Za-z0-9-")
    static let urlSafe = ByteClass("A-Za-z0-9_-")
    static let base32Upper = ByteClass("A-Z2-7")
    /// What may follow `{name}`/`{env}` placeholders and a local key: slugs and base62.
    static let localKey = ByteClass("A-Za-z0-9._-")
}
