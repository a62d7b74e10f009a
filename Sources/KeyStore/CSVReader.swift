/// A streaming RFC 4180 reader over bytes: quoted fields with `""` escapes, commas and
/// newlines inside quotes, LF or CRLF line ends. Each record carries the line it starts on.
/// A NUL byte anywhere is an error naming its line, never a silently truncated field.
///
/// Records are read into one reused `Record`, whose fields are byte slices of one buffer: reading
/// a row allocates nothing once the buffer has grown to the longest row.
struct CSVReader {
    /// One row: its fields' bytes (undecoded) and the line it starts on.
    struct Record {
        private(set) var bytes: [UInt8] = []
        private var ends: [Int] = []
        private(set) var line = 0

        var count: Int { ends.count }

        /// The bytes of field `index`.
        subscript(index: Int) -> ArraySlice<UInt8> {
            bytes[(index == 0 ? 0 : ends[index - 1])..<ends[index]]
        }

        /// Field `index` as text (invalid UTF-8 replaced by U+FFFD).
        func string(_ index: Int) -> String { String(decoding: self[index], as: UTF8.self) }

        /// Whether the row is a blank line: one empty field.
        var isBlank: Bool { ends == [0] }

        mutating func start(line: Int) {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            self.line = line
        }

        mutating func append(_ byte: UInt8) { bytes.append(byte) }
        mutating func endField() { ends.append(bytes.count) }
        var currentFieldIsEmpty: Bool { bytes.count == (ends.last ?? 0) }
    }

    private var input: ByteStream
    private var line = 1
    private(set) var error: (line: Int, problem: String)?

    init(_ input: ByteStream) {
        self.input = input
        // Skip a UTF-8 byte order mark.
        _ = self.input.skip(prefix: [0xef, 0xbb, 0xbf])
    }

    /// Reads the next record into `record`; false at the end of the input or after a malformed
    /// record (see `error`).
    mutating func read(into record: inout Record) -> Bool {
        guard error == nil, input.peek() != nil else { return finish() }
        record.start(line: line)
        while let byte = input.peek() {
            if byte == UInt8(ascii: "\""), record.currentFieldIsEmpty {
                _ = input.next()
                guard readQuoted(into: &record) else {
                    if error == nil { error = (record.line, input.failed ? Self.readProblem : "a quoted field is not closed") }
                    return false
                }
                if let next = input.peek(), next != UInt8(ascii: ","), next != 10, next != 13 {
                    error = (line, "unexpected text after a closing quote")
                    return false
                }
                continue
            }
            _ = input.next()
            switch byte {
            case 0:
                error = (line, Self.nulProblem)
                return false
            case UInt8(ascii: ","):
                record.endField()
            case 10:
                line += 1
                record.endField()
                return true
            case 13:
                continue
            default:
                record.append(byte)
            }
        }
        record.endField()
        return input.failed ? finish() : true
    }

    /// False, recording a read failure as the error if there was one.
    private mutating func finish() -> Bool {
        if input.failed && error == nil { error = (line, Self.readProblem) }
        return false
    }

    static let nulProblem = "a field contains a NUL byte (\\0); import files are text"
    static let readProblem = "the file could not be read to the end"

    /// Reads up to the closing quote; false when the input ends first or holds a NUL (see `error`).
    private mutating func readQuoted(into record: inout Record) -> Bool {
        while let byte = input.next() {
            if byte == 0 {
                error = (line, Self.nulProblem)
                return false
            }
            if byte == UInt8(ascii: "\"") {
                guard input.peek() == UInt8(ascii: "\"") else { return true }
                record.append(byte)
                _ = input.next()
            } else {
                if byte == 10 { line += 1 }
                record.append(byte)
            }
        }
        return false
    }
}
