import Foundation

/// Lowercase random (version 4) UUID strings, as `UUID().uuidString.lowercased()` gives, drawn from
/// the system's CSPRNG 256 at a time: `import` makes one per key, and a million of them one by one
/// cost more than the rest of the row.
public struct RandomUUIDs {
    private static let batch = 256
    private var bytes = [UInt8](repeating: 0, count: 16 * batch)
    private var used = batch

    public init() {}

    /// The next UUID, such as `1b4e28ba-2fa1-41d2-883f-0016d3cca427`.
    public mutating func next() -> String {
        if used == Self.batch {
            var generator = SystemRandomNumberGenerator()
            bytes.withUnsafeMutableBytes { buffer in
                for offset in stride(from: 0, to: buffer.count, by: 8) {
                    buffer.storeBytes(of: generator.next() as UInt64, toByteOffset: offset, as: UInt64.self)
                }
            }
            used = 0
        }
        defer { used += 1 }
        let start = used * 16
        return String(unsafeUninitializedCapacity: 36) { out in
            let hex: StaticString = "0123456789abcdef"
            var position = 0
            for index in 0..<16 {
                var byte = bytes[start + index]
                if index == 6 { byte = byte & 0x0f | 0x40 }  // version 4
                if index == 8 { byte = byte & 0x3f | 0x80 }  // RFC 4122 variant
                if index == 4 || index == 6 || index == 8 || index == 10 {
                    out[position] = UInt8(ascii: "-")
                    position += 1
                }
                out[position] = hex.utf8Start[Int(byte >> 4)]
                out[position + 1] = hex.utf8Start[Int(byte & 0x0f)]
                position += 2
            }
            return position
        }
    }
}
