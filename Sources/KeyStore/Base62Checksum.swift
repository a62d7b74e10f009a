/// The checksum GitHub puts at the end of its tokens and keyctl at the end of its local keys: the
/// CRC-32 (IEEE) of the checked bytes written as 6 base62 digits (`0-9A-Za-z`), zero-padded.
/// It lets a scanner tell a real token from a look-alike without asking anyone.
public enum Base62Checksum {
    /// The base62 digits, in value order.
    public static let alphabet: [UInt8] = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)
    /// How many digits the checksum has.
    public static let length = 6

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        return crc
    }

    /// The CRC-32 of `bytes`.
    public static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt32(byte)) & 0xFF)] }
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// The 6 checksum digits of `bytes`.
    public static func digits<Bytes: Sequence<UInt8>>(of bytes: Bytes) -> [UInt8] {
        var value = UInt64(crc32(bytes))
        var digits = [UInt8](repeating: alphabet[0], count: length)
        for index in stride(from: length - 1, through: 0, by: -1) {
            digits[index] = alphabet[Int(value % 62)]
            value /= 62
        }
        return digits
    }

    /// True when `checksum` is the 6 checksum digits of `bytes`.
    public static func matches<Bytes: Sequence<UInt8>, Checksum: Collection<UInt8>>(_ bytes: Bytes, checksum: Checksum) -> Bool {
        checksum.count == length && digits(of: bytes).elementsEqual(checksum)
    }

    /// True for `0-9`, `A-Z` and `a-z`.
    @inline(__always)
    public static func isDigit(_ byte: UInt8) -> Bool {
        (byte &- 48) < 10 || (byte &- 65) < 26 || (byte &- 97) < 26
    }
}
