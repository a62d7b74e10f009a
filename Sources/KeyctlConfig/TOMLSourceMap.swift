/// Where each table and key of a TOML text is written, and the limits that keep a hostile config
/// from crashing keyctl or eating its memory, both found by one scan of the text before the TOML
/// parser sees it.
///
/// TOMLKit (toml++ underneath) does not expose where a parsed node was written, so the lines come
/// from this scan: a `[header]` or `[[header]]` at the start of a line records its path (and the
/// tables it implies), and `key =` or `dotted.key =` at the start of a line, outside any array or
/// inline table, records its path under the current header. Strings and comments are skipped, so
/// text inside them is never taken for a key. A key inside an inline table gets the line of the key
/// that holds it (see `line(of:)`). The scan checks the limits only; the TOML parser checks syntax.
struct TOMLSourceMap {
    /// A keyctl.toml is a few kilobytes; anything over this is refused before it is parsed.
    static let maximumBytes = 1 << 20
    /// Arrays and inline tables inside each other, and the parts of one dotted key.
    static let maximumDepth = 32
    /// Tables, settings and array items in the whole file.
    static let maximumEntries = 10_000

    private var lines: [[String]: Int] = [:]

    /// Scans `text`; throws `ConfigError` naming the line where a limit is passed.
    init(scanning text: String, file: String) throws(ConfigError) {
        var scanner = Scanner(bytes: Array(text.utf8), file: file)
        try scanner.scan()
        lines = scanner.lines
    }

    /// The line of the table or key at `path`; for one the scan did not record (a key in an inline
    /// table, a table implied by a dotted key), the line of the nearest enclosing one; 0 for none.
    func line(of path: [String]) -> Int {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return 0
    }
}

private struct Scanner {
    let bytes: [UInt8]
    let file: String
    var index = 0
    var line = 1
    var lines: [[String]: Int] = [:]
    /// Open `[` and `{` outside strings: arrays, inline tables, and a header being read.
    var depth = 0
    var entries = 0
    /// Dots in the key being read (`a.b.c` has 2).
    var dots = 0
    var table: [String] = []

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    func fail(_ problem: String) -> ConfigError { ConfigError(file: file, line: line, problem: problem) }

    mutating func scan() throws(ConfigError) {
        var atLineStart = true
        while index < bytes.count {
            let byte = bytes[index]
            if atLineStart, byte != .space, byte != .tab, byte != .carriageReturn, byte != .newline {
                atLineStart = false
                if depth == 0 { try recordLineStart() }
            }
            switch byte {
            case .newline:
                line += 1
                atLineStart = true
                dots = 0
                index += 1
            case .hash:
                while index < bytes.count, bytes[index] != .newline { index += 1 }
            case .quote, .apostrophe:
                try skipString()
                continue
            case .openBracket, .openBrace:
                depth += 1
                dots = 0
                guard depth <= TOMLSourceMap.maximumDepth else {
                    throw fail("arrays and tables are nested more than \(TOMLSourceMap.maximumDepth) levels deep")
                }
                index += 1
            case .closeBracket, .closeBrace:
                depth = max(0, depth - 1)
                dots = 0
                index += 1
            case .equals, .comma:
                try count()
                dots = 0
                index += 1
            case .dot:
                dots += 1
                guard dots < TOMLSourceMap.maximumDepth else { throw fail("a key has more than \(TOMLSourceMap.maximumDepth) dotted parts") }
                index += 1
            case 0:
                throw fail("the file contains a NUL character")
            default:
                if !(byte.isBareKeyCharacter || byte == .space || byte == .tab) { dots = 0 }
                index += 1
            }
        }
    }

    mutating func count() throws(ConfigError) {
        entries += 1
        guard entries <= TOMLSourceMap.maximumEntries else {
            throw fail("more than \(TOMLSourceMap.maximumEntries) tables, settings and array items: keyctl.toml is not meant to be this large")
        }
    }

    /// Records the path of a `[header]` or of a `key =` that starts the line at `index`.
    mutating func recordLineStart() throws(ConfigError) {
        var cursor = index
        if bytes[cursor] == .openBracket {
            cursor += 1
            if cursor < bytes.count, bytes[cursor] == .openBracket { cursor += 1 }
            // toml++ asserts (aborts) on a header that does not start with a key: refuse it here.
            var first = cursor
            skipSpaces(&first)
            guard first < bytes.count, bytes[first].isBareKeyCharacter || bytes[first] == .quote || bytes[first] == .apostrophe else {
                throw fail("a table header must start with a key name, such as [targets.app-env]")
            }
            guard let path = keyPath(&cursor), cursor < bytes.count, bytes[cursor] == .closeBracket else { return }
            table = path
            record(path)
            try count()
        } else if let path = keyPath(&cursor), cursor < bytes.count, bytes[cursor] == .equals {
            record(table + path)
        }
    }

    /// `path` and each table it implies, each at its first line.
    mutating func record(_ path: [String]) {
        for end in 1...path.count where lines[Array(path.prefix(end))] == nil {
            lines[Array(path.prefix(end))] = line
        }
    }

    /// A dotted key such as `targets."app@prod"`, and the index after it and the spaces that follow.
    func keyPath(_ cursor: inout Int) -> [String]? {
        var path: [String] = []
        repeat {
            skipSpaces(&cursor)
            guard let part = key(&cursor) else { return nil }
            path.append(part)
            skipSpaces(&cursor)
            guard cursor < bytes.count, bytes[cursor] == .dot else { break }
            cursor += 1
        } while path.count <= TOMLSourceMap.maximumDepth
        return path
    }

    func skipSpaces(_ cursor: inout Int) {
        while cursor < bytes.count, bytes[cursor] == .space || bytes[cursor] == .tab { cursor += 1 }
    }

    /// A bare, "basic" or 'literal' key. Escapes in basic keys are kept as written except `\"` and
    /// `\\`: a key with another escape gets the line of its table.
    func key(_ cursor: inout Int) -> String? {
        guard cursor < bytes.count else { return nil }
        let quote = bytes[cursor]
        guard quote == .quote || quote == .apostrophe else {
            let start = cursor
            while cursor < bytes.count, bytes[cursor].isBareKeyCharacter { cursor += 1 }
            return cursor > start ? String(decoding: bytes[start..<cursor], as: UTF8.self) : nil
        }
        cursor += 1
        var key: [UInt8] = []
        while cursor < bytes.count, bytes[cursor] != quote, bytes[cursor] != .newline {
            if quote == .quote, bytes[cursor] == .backslash, cursor + 1 < bytes.count { cursor += 1 }
            key.append(bytes[cursor])
            cursor += 1
        }
        guard cursor < bytes.count, bytes[cursor] == quote else { return nil }
        cursor += 1
        return String(decoding: key, as: UTF8.self)
    }

    /// Skips a basic or literal string, one-line or multi-line, from its opening quote; refuses a
    /// NUL written as an escape, which the C parser underneath would silently cut the string at.
    mutating func skipString() throws(ConfigError) {
        let quote = bytes[index]
        let multiLine = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += multiLine ? 3 : 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0 { throw fail("the file contains a NUL character") }
            if byte == .newline {
                guard multiLine else { return }
                line += 1
            } else if quote == .quote, byte == .backslash {
                if escapesNUL(at: index + 1) { throw fail("a string contains a NUL character (\\u0000)") }
                // Skip the escaped character, but not a newline (a line-ending backslash), so lines stay counted.
                index += index + 1 < bytes.count && bytes[index + 1] == .newline ? 1 : 2
                continue
            } else if byte == quote {
                if !multiLine {
                    index += 1
                    return
                }
                var run = 0
                while index < bytes.count, bytes[index] == quote, run < 5 {
                    run += 1
                    index += 1
                }
                if run >= 3 { return }
                continue
            }
            index += 1
        }
    }

    func escapesNUL(at start: Int) -> Bool {
        guard start < bytes.count else { return false }
        let digits = bytes[start] == UInt8(ascii: "u") ? 4 : bytes[start] == UInt8(ascii: "U") ? 8 : 0
        guard digits > 0, start + digits < bytes.count else { return false }
        return bytes[(start + 1)...(start + digits)].allSatisfy { $0 == UInt8(ascii: "0") }
    }
}

private extension UInt8 {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let equals = UInt8(ascii: "=")
    static let comma = UInt8(ascii: ",")
    static let dot = UInt8(ascii: ".")

    var isBareKeyCharacter: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "_") || self == UInt8(ascii: "-")
    }
}
