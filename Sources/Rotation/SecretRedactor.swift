import Foundation
import KeyStore

/// Removes secrets from text keyctl did not write itself (an exec hook's stderr, an HTTP error
/// body, a client library's error) before that text is printed, stored in the registry, put in an
/// audit event or sent to a webhook.
///
/// `redact` does three things, in this order:
/// 1. Every secret in play becomes `<redacted>`, and so do its common encodings: base64 (standard
///    and URL-safe, with or without padding), percent-encoding (upper- and lower-case hex, `+` for a
///    space) and JSON string escaping (with and without `\/`, and ASCII-only `\uXXXX`). Matches that
///    overlap are redacted as one; an encoding cut off at the end of the text (output that was
///    truncated) is redacted too. A secret shorter than `minimumSecretLength` bytes is not searched
///    for: it would match ordinary words and blank out every message, and no real credential is
///    that short.
/// 2. The value of anything that looks like a credential, known or not, becomes `<redacted>`: the
///    rest of the line after `Authorization:`, `Proxy-Authorization:`, `Cookie:` or `Set-Cookie:`,
///    and the value after `:` or `=` of any name ending in `token`, `secret`, `password`, `passwd`,
///    `signature`, `api-key`, `api_key`, `apikey`, `secret_access_key` or `private_key`
///    (`X-Vault-Token: …`, `aws_secret_access_key=…`, `X-Amz-Signature=…`, `"client_secret":"…"`).
/// 3. The result is capped at `limit` UTF-8 bytes, cut on a character boundary, ending `…(truncated)`.
public struct SecretRedactor: Sendable {
    /// What a secret or a credential value is replaced with.
    public static let marker = "<redacted>"
    /// Secrets shorter than this many bytes are not searched for (see above).
    public static let minimumSecretLength = 6
    /// How much text from an adapter is kept, by default.
    public static let maximumBytes = 300
    static let truncationMarker = "…(truncated)"

    /// Every form of every secret to search for, longest first.
    private let patterns: [[UInt8]]

    /// A redactor for `secrets` (those shorter than `minimumSecretLength` are ignored); with none,
    /// it still redacts credential-looking values and caps the text.
    public init(secrets: [Secret] = []) {
        self.init(patterns: secrets.flatMap { Self.forms(of: $0.revealBytes()) })
    }

    private init(patterns: [[UInt8]]) {
        self.patterns = Array(Set(patterns)).sorted { $0.count > $1.count }
    }

    /// This redactor, also redacting `secrets`.
    public func adding(_ secrets: [Secret]) -> SecretRedactor {
        SecretRedactor(patterns: patterns + secrets.flatMap { Self.forms(of: $0.revealBytes()) })
    }

    /// `text` with every secret and credential-looking value replaced by `<redacted>`, capped at
    /// `limit` UTF-8 bytes.
    public func redact(_ text: String, limit: Int = SecretRedactor.maximumBytes) -> String {
        let bytes = Array(text.utf8)
        var hidden = secretRanges(in: bytes)
        hidden += CredentialValues.ranges(in: bytes)
        return Self.cap(Self.replacing(merged(hidden), in: bytes), bytes: limit)
    }

    /// `text` cut to at most `limit` UTF-8 bytes on a character boundary, ending `…(truncated)`
    /// when it was cut.
    public static func cap(_ text: String, bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        let room = max(0, limit - truncationMarker.utf8.count)
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > room { break }
            kept.append(character)
            used += size
        }
        return kept + truncationMarker
    }

    // MARK: Finding

    private func secretRanges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for pattern in patterns {
            var start = 0
            while start < bytes.count {
                guard let found = Self.firstMatch(of: pattern, in: bytes, from: start) else { break }
                ranges.append(found)
                start = found.lowerBound + 1
            }
        }
        return ranges
    }

    /// The first place at or after `start` where `pattern` occurs, or where a prefix of it of at
    /// least `minimumSecretLength` bytes ends the text.
    private static func firstMatch(of pattern: [UInt8], in bytes: [UInt8], from start: Int) -> Range<Int>? {
        var index = start
        while index < bytes.count {
            if bytes[index] == pattern[0] {
                let available = min(pattern.count, bytes.count - index)
                var length = 0
                while length < available && bytes[index + length] == pattern[length] { length += 1 }
                if length == pattern.count || (length == available && length >= minimumSecretLength) {
                    return index..<(index + length)
                }
            }
            index += 1
        }
        return nil
    }

    private func merged(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    private static func replacing(_ ranges: [Range<Int>], in bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var position = 0
        for range in ranges {
            output += bytes[position..<range.lowerBound]
            output += Array(marker.utf8)
            position = range.upperBound
        }
        output += bytes[position...]
        return String(decoding: output, as: UTF8.self)
    }

    // MARK: Encodings

    /// The secret and its encodings, each at least `minimumSecretLength` bytes long.
    static func forms(of secret: [UInt8]) -> [[UInt8]] {
        guard secret.count >= minimumSecretLength else { return [] }
        let base64 = Data(secret).base64EncodedString()
        let unpadded = base64.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        let urlSafe = unpadded.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let percent = percentEncoded(secret, hexDigits: "0123456789ABCDEF")
        let texts = [
            base64, unpadded, base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"), urlSafe, percent, percentEncoded(secret, hexDigits: "0123456789abcdef"), percent.replacingOccurrences(of: "%20", with: "+"),
            jsonEscaped(secret, slash: false, asciiOnly: false), jsonEscaped(secret, slash: true, asciiOnly: false),
            jsonEscaped(secret, slash: true, asciiOnly: true), jsonEscaped(secret, slash: false, asciiOnly: true),
        ]
        return [secret] + texts.map { Array($0.utf8) }.filter { $0.count >= minimumSecretLength }
    }

    /// Every byte but RFC 3986's unreserved characters as `%XX`.
    private static func percentEncoded(_ bytes: [UInt8], hexDigits: String) -> String {
        let digits = Array(hexDigits)
        var text = ""
        for byte in bytes {
            let scalar = Unicode.Scalar(byte)
            if byte < 0x80, CharacterSet.alphanumerics.contains(scalar) || "-._~".unicodeScalars.contains(scalar) {
                text.unicodeScalars.append(scalar)
            } else {
                text += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0f)])
            }
        }
        return text
    }

    /// The secret as inside a JSON string: quotes, backslashes and control characters escaped, `/`
    /// as `\/` when `slash`, non-ASCII as `\uxxxx` when `asciiOnly` (as Python's json.dumps writes).
    private static func jsonEscaped(_ bytes: [UInt8], slash: Bool, asciiOnly: Bool) -> String {
        var text = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "/" where slash: text += "\\/"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7f):
                for unit in String(scalar).utf16 { text += "\\u" + String(format: "%04x", unit) }
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text
    }
}
