/// The bytes and byte classes of the dotenv grammar keyctl reads and writes.
enum DotenvSyntax {
    static let lineFeed = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let tab = UInt8(ascii: "\t")
    static let space = UInt8(ascii: " ")
    static let equals = UInt8(ascii: "=")
    static let hash = UInt8(ascii: "#")
    static let singleQuote = UInt8(ascii: "'")
    static let doubleQuote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let export = Array("export".utf8)

    /// Space or tab: what may surround `export`, the name, `=` and a value.
    static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// A byte of a variable name: letters, digits, `_`, `.` and `-`.
    static func isNameByte(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// A byte that every dotenv reader and a shell read literally in an unquoted value:
    /// letters, digits and `_ - . : / + @ % , = ^`. Anything else is written in quotes.
    static func isBare(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || Array("_-.:/+@%,=^".utf8).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
