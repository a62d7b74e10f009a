import Foundation
import KeyStore

/// Writes JSON straight into a byte buffer, flushing to the output in large chunks, so that
/// `report` and `list` stream millions of records without building them in memory.
struct JSONWriter {
    private let buffer = OutputBuffer()
    private let sink: any OutputSink
    private var needsComma = false

    init(sink: any OutputSink) {
        self.sink = sink
    }

    mutating func beginObject() { separate(); buffer.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { buffer.append(UInt8(ascii: "}")); needsComma = true; flushIfLarge() }
    mutating func beginArray() { separate(); buffer.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { buffer.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":`; the next value written belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        buffer.append(name)
        buffer.append("\":")
        needsComma = false
    }

    mutating func key(dynamic name: String) {
        separate()
        appendQuoted(name)
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    mutating func string(_ value: String?) {
        separate()
        if let value { appendQuoted(value) } else { buffer.append("null") }
        needsComma = true
    }

    /// Writes the comma-separated `list` as a JSON array of strings.
    mutating func stringArray(commaSeparated list: String) {
        beginArray()
        var list = list
        list.withUTF8 { bytes in
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: ",") {
                if index > start {
                    separate()
                    appendQuoted(UnsafeBufferPointer(rebasing: bytes[start..<index]))
                    needsComma = true
                }
                start = index + 1
            }
        }
        endArray()
    }

    mutating func integer(_ value: Int64?) {
        separate()
        if let value { appendInteger(value) } else { buffer.append("null") }
        needsComma = true
    }

    mutating func number(_ value: Double) {
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            appendInteger(Int64(value))
        } else {
            var text = String(value)
            text.withUTF8 { buffer.append($0) }
        }
        needsComma = true
    }

    mutating func bool(_ value: Bool?) {
        separate()
        if let value { buffer.append(value ? "true" : "false") } else { buffer.append("null") }
        needsComma = true
    }

    /// An RFC 3339 UTC timestamp, or null.
    mutating func timestamp(epochSeconds: Int64?) {
        separate()
        if let epochSeconds {
            buffer.reserve(Timestamp.formattedLength + 2)
            buffer.append(UInt8(ascii: "\""))
            Timestamp.write(epochSeconds: epochSeconds, to: buffer.end)
            buffer.commit(Timestamp.formattedLength)
            buffer.append(UInt8(ascii: "\""))
        } else {
            buffer.append("null")
        }
        needsComma = true
    }

    /// Embeds `json` as it is when it parses as JSON (audit details), else as a string.
    mutating func embedded(json: String) {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil else { return string(json) }
        separate()
        var json = json
        json.withUTF8 { buffer.append($0) }
        needsComma = true
    }

    mutating func newline() { buffer.append(UInt8(ascii: "\n")) }

    mutating func flush() {
        buffer.drain(into: sink)
    }

    private mutating func flushIfLarge() {
        if buffer.count >= 1 << 17 { flush() }
    }

    private func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    private func appendInteger(_ value: Int64) {
        var magnitude = value.magnitude
        buffer.reserve(21)
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var digits = 1
        var probe = magnitude
        while probe >= 10 { probe /= 10; digits += 1 }
        let out = buffer.end
        for index in stride(from: digits - 1, through: 0, by: -1) {
            out[index] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
            magnitude /= 10
        }
        buffer.commit(digits)
    }

    private func appendQuoted(_ value: String) {
        var value = value
        value.withUTF8 { appendQuoted($0) }
    }

    /// Copies runs of plain bytes in one go and escapes only what JSON requires.
    private func appendQuoted(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 32 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 127 else { continue }
            buffer.append(UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            switch byte {
            case UInt8(ascii: "\""): buffer.append("\\\"")
            case UInt8(ascii: "\\"): buffer.append("\\\\")
            case 10: buffer.append("\\n")
            case 13: buffer.append("\\r")
            case 9: buffer.append("\\t")
            default:
                let hex: StaticString = "0123456789abcdef"
                buffer.append("\\u00")
                hex.withUTF8Buffer { digits in
                    buffer.append(digits[Int(byte >> 4)])
                    buffer.append(digits[Int(byte & 15)])
                }
            }
            runStart = index + 1
        }
        buffer.append(UnsafeBufferPointer(rebasing: bytes[runStart..<bytes.count]))
        buffer.append(UInt8(ascii: "\""))
    }
}
