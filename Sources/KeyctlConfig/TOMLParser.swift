/// Parses the subset of TOML that `keyctl.toml` needs: `[table]` and `[dotted.table]` headers,
/// `key = value` with basic and literal strings, integers, booleans and one-line arrays, and
/// `#` comments. Anything else is an error naming the line.
///
/// No TOML library is available to this project's build, and the format it needs is small.
public struct TOMLParser {
    private let file: String

    public init(file: String) { self.file = file }

    public func parse(_ text: String) throws(ConfigError) -> TOMLTable {
        var root = TOMLTable()
        var currentPath: [String] = []
        var definedTables: Set<[String]> = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            var cursor = Cursor(Array(rawLine.utf8), file: file, line: lineNumber)
            cursor.skipSpaces()
            if cursor.atEndOrComment { continue }
            if cursor.peek == UInt8(ascii: "[") {
                cursor.advance()
                var path: [String] = []
                repeat {
                    cursor.skipSpaces()
                    path.append(try cursor.key())
                    cursor.skipSpaces()
                } while cursor.consume(UInt8(ascii: "."))
                try cursor.expect(UInt8(ascii: "]"), "expected ']' to close the table header")
                try cursor.expectEnd()
                guard definedTables.insert(path).inserted else {
                    throw ConfigError(file: file, line: lineNumber, problem: "table [\(path.joined(separator: "."))] is defined twice")
                }
                try root.makeTable(at: path, line: lineNumber, file: file)
                currentPath = path
                continue
            }
            let key = try cursor.key()
            cursor.skipSpaces()
            try cursor.expect(UInt8(ascii: "="), "expected '=' after the key '\(key)'")
            cursor.skipSpaces()
            let value = try cursor.value()
            try cursor.expectEnd()
            try root.insert(value, forKey: key, inTableAt: currentPath, line: lineNumber, file: file)
        }
        return root
    }
}

extension TOMLTable {
    fileprivate mutating func makeTable(at path: [String], line: Int, file: String) throws(ConfigError) {
        guard let first = path.first else { return }
        let rest = Array(path.dropFirst())
        if let index = entries.firstIndex(where: { $0.key == first }) {
            guard case .table(var table) = entries[index].value else {
                throw ConfigError(file: file, line: line, problem: "'\(first)' is already a value, not a table")
            }
            if rest.isEmpty { table.line = line }
            try table.makeTable(at: rest, line: line, file: file)
            entries[index].value = .table(table)
        } else {
            var table = TOMLTable()
            table.line = line
            try table.makeTable(at: rest, line: line, file: file)
            entries.append(Entry(key: first, value: .table(table), line: line))
        }
    }

    fileprivate mutating func insert(_ value: TOMLValue, forKey key: String, inTableAt path: [String], line: Int, file: String) throws(ConfigError) {
        guard let first = path.first else {
            guard self[key] == nil else {
                throw ConfigError(file: file, line: line, problem: "'\(key)' is set twice")
            }
            entries.append(Entry(key: key, value: value, line: line))
            return
        }
        guard let index = entries.firstIndex(where: { $0.key == first }), case .table(var table) = entries[index].value else { return }
        try table.insert(value, forKey: key, inTableAt: Array(path.dropFirst()), line: line, file: file)
        entries[index].value = .table(table)
    }
}

/// Reads one line of TOML, byte by byte.
private struct Cursor {
    private let bytes: [UInt8]
    private var position = 0
    private let file: String
    private let line: Int

    init(_ bytes: [UInt8], file: String, line: Int) {
        self.bytes = bytes.last == UInt8(ascii: "\r") ? Array(bytes.dropLast()) : bytes
        self.file = file
        self.line = line
    }

    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
    var atEndOrComment: Bool { peek == nil || peek == UInt8(ascii: "#") }

    mutating func advance() { position += 1 }

    mutating func skipSpaces() {
        while peek == UInt8(ascii: " ") || peek == UInt8(ascii: "\t") { advance() }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        advance()
        return true
    }

    func error(_ problem: String) -> ConfigError { ConfigError(file: file, line: line, problem: problem) }

    mutating func expect(_ byte: UInt8, _ problem: String) throws(ConfigError) {
        guard consume(byte) else { throw error(problem) }
    }

    mutating func expectEnd() throws(ConfigError) {
        skipSpaces()
        guard atEndOrComment else { throw error("unexpected text after the value") }
    }

    mutating func key() throws(ConfigError) -> String {
        if peek == UInt8(ascii: "\"") { return try basicString() }
        let start = position
        while let byte = peek, isBareKeyByte(byte) { advance() }
        guard position > start else { throw error("expected a key") }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func value() throws(ConfigError) -> TOMLValue {
        switch peek {
        case UInt8(ascii: "\""): return .string(try basicString())
        case UInt8(ascii: "'"): return .string(try literalString())
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return try boolean()
        case .some(let byte) where byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") || (48...57).contains(byte):
            return try integer()
        default:
            throw error("expected a value: a \"string\", a number, true/false or [an, array]")
        }
    }

    private mutating func basicString() throws(ConfigError) -> String {
        advance()
        var out: [UInt8] = []
        while let byte = peek {
            advance()
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = peek else { break }
                advance()
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                default: throw error("unsupported escape '\\\(Character(UnicodeScalar(escaped)))' in a string")
                }
            default:
                out.append(byte)
            }
        }
        throw error("the string is not closed with '\"' on this line")
    }

    private mutating func literalString() throws(ConfigError) -> String {
        advance()
        let start = position
        while let byte = peek, byte != UInt8(ascii: "'") { advance() }
        guard peek != nil else { throw error("the string is not closed with \"'\" on this line") }
        defer { advance() }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    private mutating func array() throws(ConfigError) -> TOMLValue {
        advance()
        var items: [TOMLValue] = []
        while true {
            skipSpaces()
            if consume(UInt8(ascii: "]")) { return .array(items) }
            items.append(try value())
            skipSpaces()
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in the array (arrays must fit on one line)")
            return .array(items)
        }
    }

    private mutating func boolean() throws(ConfigError) -> TOMLValue {
        let start = position
        while let byte = peek, (97...122).contains(byte) { advance() }
        switch String(decoding: bytes[start..<position], as: UTF8.self) {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        default: throw error("expected a value: strings need quotes")
        }
    }

    private mutating func integer() throws(ConfigError) -> TOMLValue {
        let start = position
        if peek == UInt8(ascii: "-") || peek == UInt8(ascii: "+") { advance() }
        while let byte = peek, (48...57).contains(byte) || byte == UInt8(ascii: "_") { advance() }
        let digits = String(String(decoding: bytes[start..<position], as: UTF8.self).filter { $0 != "_" })
        guard let number = Int64(digits) else { throw error("'\(digits)' is not a whole number") }
        return .integer(number)
    }

    private func isBareKeyByte(_ byte: UInt8) -> Bool {
        (97...122).contains(byte) || (65...90).contains(byte) || (48...57).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
