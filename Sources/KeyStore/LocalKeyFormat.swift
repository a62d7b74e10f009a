import Foundation

/// The shape of keys minted by the `local` issuer: a prefix such as `sk_live_`, 43 base62
/// characters from 32 bytes of the system CSPRNG, and a 6-character base62 CRC-32 of the prefix
/// and body, so that a scanner can tell a real key from a look-alike offline (as GitHub's tokens do).
public enum LocalKeyFormat {
    static let alphabet = Base62Checksum.alphabet
    static let bodyLength = 43
    static let checksumLength = 6

    /// Mints a new key with `prefix`.
    public static func mint(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let body = base62(random, length: bodyLength)
        return prefix + body + checksum(prefix + body)
    }

    /// How many base62 characters follow the prefix: the body and the checksum.
    public static let tailLength = bodyLength + checksumLength

    /// True when `text` has `prefix`, a base62 body and a checksum that matches.
    public static func isWellFormed(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix), text.utf8.count == prefix.utf8.count + bodyLength + checksumLength else { return false }
        let rest = text.utf8.dropFirst(prefix.utf8.count)
        guard rest.allSatisfy({ alphabet.contains($0) }) else { return false }
        let head = String(text.dropLast(checksumLength))
        return String(text.suffix(checksumLength)) == checksum(head)
    }

    static func checksum(_ text: String) -> String {
        String(decoding: Base62Checksum.digits(of: text.utf8), as: UTF8.self)
    }

    /// `bytes` as a big-endian number in base 62, left-padded with zeros to `length` digits.
    static func base62(_ bytes: [UInt8], length: Int) -> String {
        var number = bytes
        var digits: [UInt8] = []
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / 62)
                remainder = value % 62
            }
            digits.append(alphabet[remainder])
        }
        while digits.count < length { digits.append(alphabet[0]) }
        return String(decoding: digits.prefix(length).reversed(), as: UTF8.self)
    }
}
