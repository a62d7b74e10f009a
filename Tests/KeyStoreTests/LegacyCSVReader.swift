/// The CSV reader as it was (see `LegacyImportFile`): a streaming RFC 4180 reader over bytes: quoted fields with `""` escapes, commas and
/// newlines inside quotes, LF or CRLF line ends. Each record carries the line it starts on.
/// A NUL byte anywhere is an error naming its line, never a silently truncated field.
struct LegacyCSVReader {
    struct Record {
        var fields: [String]
        var line: Int
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1
    private(set) var error: (line: Int, problem: String)?

    init(_ bytes: [UInt8]) {
        // Skip a UTF-8 byte order mark.
        self.bytes = bytes
        if bytes.starts(with: [0xef, 0xbb, 0xbf]) { position = 3 }
    }

    /// The next record, or nil at the end of the input or after a malformed one (see `error`).
    mutating func nextRecord() -> Record? {
        guard error == nil, position < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") && field.isEmpty {
                position += 1
                guard readQuoted(into: &field) else {
                    if error == nil { error = (startLine, "a quoted field is not closed") }
                    return nil
                }
                if position < bytes.count, ![UInt8(ascii: ","), 10, 13].contains(bytes[position]) {
                    error = (line, "unexpected text after a closing quote")
                    return nil
                }
                continue
            }
            position += 1
            switch byte {
            case 0:
                error = (line, Self.nulProblem)
                return nil
            case UInt8(ascii: ","):
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            case 10:
                line += 1
                fields.append(String(decoding: field, as: UTF8.self))
                return Record(fields: fields, line: startLine)
            case 13:
                continue
            default:
                field.append(byte)
            }
        }
        fields.append(String(decoding: field, as: UTF8.self))
        return Record(fields: fields, line: startLine)
    }

    static let nulProblem = "a field contains a NUL byte (\\0); import files are text"

    /// Reads up to the closing quote; false when the input ends first or holds a NUL (see `error`).
    private mutating func readQuoted(into field: inout [UInt8]) -> Bool {
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == 0 {
                error = (line, Self.nulProblem)
                return false
            }
            if byte == UInt8(ascii: "\"") {
                if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                    field.append(byte)
                    position += 1
                } else {
                    return true
                }
            } else {
                if byte == 10 { line += 1 }
                field.append(byte)
            }
        }
        return false
    }
}
