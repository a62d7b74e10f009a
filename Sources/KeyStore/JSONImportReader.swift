/// The JSON import format, read incrementally: an array of key objects, or an object whose
/// `keys` member is that array. Each object is checked as soon as it is read, so a file of any
/// size is read in memory that holds one object at a time.
///
/// The reader accepts what Foundation's `JSONSerialization` accepted before it: JSON (RFC 8259,
/// UTF-8, a byte order mark), plus a trailing comma in arrays and objects, and a U+FEFF (byte
/// order mark) that starts a string, dropped. What it does not read as an entry (other members of the outer object) is still
/// checked to be valid.
struct JSONImportReader: ImportRecordReader {
    private enum State {
        /// Before the outer value.
        case start
        /// Inside the array of entries; `first` until an entry has been read.
        case entries(first: Bool)
        /// After the last entry.
        case done
    }

    private var input: ByteStream
    private let fileName: String
    private var state = State.start
    /// Whether the entries are the `keys` member of an outer object.
    private var inKeysObject = false
    private var entryCount = 0

    /// Nesting deeper than this is refused, as Foundation's JSON parser does.
    private static let maximumDepth = 512

    init(_ input: ByteStream, fileName: String) {
        self.input = input
        self.fileName = fileName
        _ = self.input.skip(prefix: [0xef, 0xbb, 0xbf])
    }

    mutating func next() throws(KeyStoreError) -> ImportEntry? {
        switch state {
        case .start:
            try openEntries()
            state = .entries(first: true)
            return try next()
        case .entries(let first):
            skipSpace()
            if first {
                if input.peek() == UInt8(ascii: "]") {
                    _ = input.next()
                    return try finish()
                }
            } else {
                switch input.next() {
                case UInt8(ascii: ","):
                    skipSpace()
                    if input.peek() == UInt8(ascii: "]") {
                        _ = input.next()
                        return try finish()
                    }
                case UInt8(ascii: "]"): return try finish()
                default: throw invalid
                }
            }
            state = .entries(first: false)
            entryCount += 1
            return try entry()
        case .done:
            return nil
        }
    }

    // MARK: - The outer value

    /// Reads up to the first entry: `[`, or `{` and the members before `"keys": [`.
    private mutating func openEntries() throws(KeyStoreError) {
        skipSpace()
        switch input.next() {
        case UInt8(ascii: "["):
            return
        case UInt8(ascii: "{"):
            inKeysObject = true
            skipSpace()
            if input.peek() == UInt8(ascii: "}") {
                _ = input.next()
                try expectEnd()
                throw notAnArray
            }
            while true {
                if try member() { return }
                skipSpace()
                switch input.next() {
                case UInt8(ascii: ","):
                    guard closes(with: UInt8(ascii: "}")) else { continue }
                    try expectEnd()
                    throw notAnArray
                case UInt8(ascii: "}"):
                    try expectEnd()
                    throw notAnArray
                default: throw invalid
                }
            }
        default:
            throw invalid
        }
    }

    /// Reads one member of the outer object; true when it is `"keys": [` (the `[` consumed).
    private mutating func member() throws(KeyStoreError) -> Bool {
        skipSpace()
        let name = try string()
        skipSpace()
        guard input.next() == UInt8(ascii: ":") else { throw invalid }
        skipSpace()
        guard name == Array("keys".utf8) else {
            try skipValue(depth: 1)
            return false
        }
        guard input.peek() == UInt8(ascii: "[") else {
            try skipValue(depth: 1)
            throw notAnArray
        }
        _ = input.next()
        return true
    }

    /// After the array of entries: the rest of the outer object, then nothing but white space.
    private mutating func finish() throws(KeyStoreError) -> ImportEntry? {
        state = .done
        if inKeysObject {
            while true {
                skipSpace()
                switch input.next() {
                case UInt8(ascii: ","):
                    if closes(with: UInt8(ascii: "}")) {
                        try expectEnd()
                        return nil
                    }
                    if try member() {
                        throw KeyStoreError(.invalidInput, "\(fileName): 'keys' appears twice; expected one array of key objects")
                    }
                case UInt8(ascii: "}"):
                    try expectEnd()
                    return nil
                default:
                    throw invalid
                }
            }
        }
        try expectEnd()
        return nil
    }

    private mutating func expectEnd() throws(KeyStoreError) {
        skipSpace()
        guard input.peek() == nil, !input.failed else { throw invalid }
    }

    // MARK: - Entries

    /// Reads one entry object and checks it.
    private mutating func entry() throws(KeyStoreError) -> ImportEntry {
        let location = "\(fileName): entry \(entryCount)"
        func fail(_ problem: String) -> KeyStoreError { KeyStoreError(.invalidInput, "\(location): \(problem)") }
        guard input.peek() == UInt8(ascii: "{") else {
            if input.peek() == nil { throw invalid }
            throw fail("expected an object")
        }
        _ = input.next()
        var values = [ArraySlice<UInt8>?](repeating: nil, count: ImportFile.Field.allCases.count)
        skipSpace()
        if input.peek() == UInt8(ascii: "}") {
            _ = input.next()
        } else {
            while true {
                skipSpace()
                let key = try string()
                let keyText = String(decoding: key, as: UTF8.self)
                guard let field = ImportFile.Field(rawValue: keyText) ?? (keyText == "max_age" ? .maxAge : nil) else {
                    throw fail("unknown field '\(keyText)'; fields are \(ImportFile.Field.list)")
                }
                skipSpace()
                guard input.next() == UInt8(ascii: ":") else { throw invalid }
                skipSpace()
                let expected = field == .scopes ? "an array of strings" : "a string"
                switch input.peek() {
                case UInt8(ascii: "n"):
                    try literal("null")
                    values[field.index] = nil
                case UInt8(ascii: "\""):
                    values[field.index] = try string()[...]
                case UInt8(ascii: "[") where field == .scopes:
                    values[field.index] = try stringList(orFail: fail("'\(keyText)' must be \(expected)"))[...]
                case nil:
                    throw invalid
                default:
                    throw fail("'\(keyText)' must be \(expected)")
                }
                if values[field.index]?.contains(0) == true {
                    throw fail("'\(keyText)' contains a NUL byte (\\u0000); import files are text")
                }
                skipSpace()
                let separator = input.next()
                if separator == UInt8(ascii: ","), !closes(with: UInt8(ascii: "}")) { continue }
                if separator == UInt8(ascii: ",") { break }
                guard separator == UInt8(ascii: "}") else { throw invalid }
                break
            }
        }
        return try ImportEntry(location: location) { values[$0.index] }
    }

    /// `["a", "b"]` as the bytes of `a,b`; `failure` when an element is not a string.
    private mutating func stringList(orFail failure: KeyStoreError) throws(KeyStoreError) -> [UInt8] {
        _ = input.next()
        var joined: [UInt8] = []
        skipSpace()
        if input.peek() == UInt8(ascii: "]") {
            _ = input.next()
            return joined
        }
        var first = true
        while true {
            skipSpace()
            guard input.peek() == UInt8(ascii: "\"") else {
                if input.peek() == nil { throw invalid }
                throw failure
            }
            if !first { joined.append(UInt8(ascii: ",")) }
            first = false
            joined.append(contentsOf: try string())
            skipSpace()
            switch input.next() {
            case UInt8(ascii: ","): if closes(with: UInt8(ascii: "]")) { return joined }
            case UInt8(ascii: "]"): return joined
            default: throw invalid
            }
        }
    }

    // MARK: - JSON grammar

    private var invalid: KeyStoreError {
        if input.failed { return KeyStoreError(.invalidInput, "\(fileName): the file could not be read to the end") }
        return KeyStoreError(.invalidInput, "\(fileName): not valid JSON; expected an array of key objects")
    }

    private var notAnArray: KeyStoreError {
        KeyStoreError(.invalidInput, "\(fileName): expected an array of key objects, or {\"keys\": [...]}")
    }

    /// After a comma: consumes `bracket` and returns true when it comes next (a trailing comma).
    private mutating func closes(with bracket: UInt8) -> Bool {
        skipSpace()
        guard input.peek() == bracket else { return false }
        _ = input.next()
        return true
    }

    private mutating func skipSpace() {
        while let byte = input.peek(), byte == 0x20 || byte == 0x0a || byte == 0x0d || byte == 0x09 { _ = input.next() }
    }

    private mutating func literal(_ word: StaticString) throws(KeyStoreError) {
        var valid = true
        word.withUTF8Buffer { expected in
            for byte in expected where input.next() != byte { valid = false }
        }
        guard valid else { throw invalid }
    }

    /// A string's UTF-8 bytes, escapes decoded; the opening quote must be next.
    private mutating func string() throws(KeyStoreError) -> [UInt8] {
        guard input.next() == UInt8(ascii: "\"") else { throw invalid }
        var bytes: [UInt8] = []
        // Foundation drops a byte order mark that starts a string; so does this reader.
        _ = input.skip(prefix: [0xef, 0xbb, 0xbf])
        while true {
            guard let byte = input.next(), byte >= 0x20 else { throw invalid }
            switch byte {
            case UInt8(ascii: "\""):
                guard String(validating: bytes, as: UTF8.self) != nil else { throw invalid }
                return bytes
            case UInt8(ascii: "\\"):
                try escape(into: &bytes)
            default:
                bytes.append(byte)
            }
        }
    }

    private mutating func escape(into bytes: inout [UInt8]) throws(KeyStoreError) {
        switch input.next() {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0c)
        case UInt8(ascii: "n"): bytes.append(0x0a)
        case UInt8(ascii: "r"): bytes.append(0x0d)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var value = try hex4()
            if (0xD800...0xDBFF).contains(value) {
                guard input.next() == UInt8(ascii: "\\"), input.next() == UInt8(ascii: "u") else { throw invalid }
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw invalid }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else { throw invalid }
            bytes.append(contentsOf: UTF8.encode(scalar)!)
        default:
            throw invalid
        }
    }

    private mutating func hex4() throws(KeyStoreError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = input.next(), let digit = Self.hexDigit(byte) else { throw invalid }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Checks and skips one value of any kind.
    private mutating func skipValue(depth: Int) throws(KeyStoreError) {
        guard depth <= Self.maximumDepth else { throw invalid }
        skipSpace()
        switch input.peek() {
        case UInt8(ascii: "{"):
            _ = input.next()
            skipSpace()
            if input.peek() == UInt8(ascii: "}") {
                _ = input.next()
                return
            }
            while true {
                skipSpace()
                _ = try string()
                skipSpace()
                guard input.next() == UInt8(ascii: ":") else { throw invalid }
                try skipValue(depth: depth + 1)
                skipSpace()
                switch input.next() {
                case UInt8(ascii: ","): if closes(with: UInt8(ascii: "}")) { return }
                case UInt8(ascii: "}"): return
                default: throw invalid
                }
            }
        case UInt8(ascii: "["):
            _ = input.next()
            skipSpace()
            if input.peek() == UInt8(ascii: "]") {
                _ = input.next()
                return
            }
            while true {
                try skipValue(depth: depth + 1)
                skipSpace()
                switch input.next() {
                case UInt8(ascii: ","): if closes(with: UInt8(ascii: "]")) { return }
                case UInt8(ascii: "]"): return
                default: throw invalid
                }
            }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try number()
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func number() throws(KeyStoreError) {
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
        if input.peek() == UInt8(ascii: "-") { _ = input.next() }
        switch input.next() {
        case UInt8(ascii: "0"): break
        case let byte? where isDigit(byte): while isDigit(input.peek()) { _ = input.next() }
        default: throw invalid
        }
        if input.peek() == UInt8(ascii: ".") {
            _ = input.next()
            guard isDigit(input.peek()) else { throw invalid }
            while isDigit(input.peek()) { _ = input.next() }
        }
        if input.peek() == UInt8(ascii: "e") || input.peek() == UInt8(ascii: "E") {
            _ = input.next()
            if input.peek() == UInt8(ascii: "+") || input.peek() == UInt8(ascii: "-") { _ = input.next() }
            guard isDigit(input.peek()) else { throw invalid }
            while isDigit(input.peek()) { _ = input.next() }
        }
    }
}
