/// How deeply a JSON text nests arrays and objects, counted before it is parsed, so that a
/// hostile report cannot drive a parser's recursion deep.
enum JSONNesting {
    /// The deepest nesting any scanner format needs is under 10 levels; 64 leaves room to spare.
    static let limit = 64

    /// True when no array or object in `bytes` is nested more than `limit` deep. Brackets inside
    /// strings do not count.
    static func isWithinLimit<Bytes: Collection<UInt8>>(_ bytes: Bytes, limit: Int = Self.limit) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return false }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return true
    }
}
