import Foundation
import KeyStore

/// Writes JSON straight into a byte buffer, flushing to the output in large chunks, so that
/// `report` and `list` stream millions of records without building them in memory.
struct JSONWriter {
    private(set) var buffer: [UInt8] = []
    private let sink: any OutputSink
    private var needsComma = false

    init(sink: any OutputSink) {
        self.sink = sink
        buffer.reserveCapacity(1 << 17)
    }

    mutating func beginObject() { separate(); buffer.append(UInt8(ascii: "{")); needsComma = false }
    mutating func endObject() { buffer.append(UInt8(ascii: "}")); needsComma = true; flushIfLarge() }
    mutating func beginArray() { separate(); buffer.append(UInt8(ascii: "[")); needsComma = false }
    mutating func endArray() { buffer.append(UInt8(ascii: "]")); needsComma = true }

    /// Writes `"name":`; the next value written belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
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
        if let value { appendQuoted(value) } else { appendNull() }
        needsComma = true
    }

    mutating func integer(_ value: Int64?) {
        separate()
        if let value { buffer.append(contentsOf: String(value).utf8) } else { appendNull() }
        needsComma = true
    }

    mutating func number(_ value: Double) {
        separate()
        if value == value.rounded(), abs(value) < 1e15 {
            buffer.append(contentsOf: String(Int64(value)).utf8)
        } else {
            buffer.append(contentsOf: String(value).utf8)
        }
        needsComma = true
    }

    mutating func bool(_ value: Bool?) {
        separate()
        if let value { buffer.append(contentsOf: (value ? "true" : "false").utf8) } else { appendNull() }
        needsComma = true
    }

    /// An RFC 3339 UTC timestamp, or null.
    mutating func timestamp(epochSeconds: Int64?) {
        separate()
        if let epochSeconds {
            buffer.append(UInt8(ascii: "\""))
            Timestamp.append(epochSeconds: epochSeconds, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
        } else {
            appendNull()
        }
        needsComma = true
    }

    /// Embeds `json` as it is when it parses as JSON (audit details), else as a string.
    mutating func embedded(json: String) {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8))) != nil else { return string(json) }
        separate()
        buffer.append(contentsOf: json.utf8)
        needsComma = true
    }

    mutating func newline() { buffer.append(UInt8(ascii: "\n")) }

    mutating func flush() {
        sink.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private mutating func flushIfLarge() {
        if buffer.count >= 1 << 16 { flush() }
    }

    private mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    private mutating func appendNull() { buffer.append(contentsOf: "null".utf8) }

    private mutating func appendQuoted(_ value: String) {
        buffer.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { bytes in
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): buffer.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): buffer.append(contentsOf: [92, 92])
                case 10: buffer.append(contentsOf: [92, 110])
                case 13: buffer.append(contentsOf: [92, 114])
                case 9: buffer.append(contentsOf: [92, 116])
                case 0..<32, 127:
                    let hex = Array("0123456789abcdef".utf8)
                    buffer.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

