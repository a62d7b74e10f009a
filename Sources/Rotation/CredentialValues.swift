/// Finds the values of credential-looking settings in text: the rest of the line after an
/// `Authorization:`-like header, and the value after `:` or `=` of a name that ends like a
/// credential's (`X-Vault-Token: …`, `aws_secret_access_key = …`, `"api_key":"…"`). Used by
/// `SecretRedactor` for credentials keyctl was not told about.
enum CredentialValues {
    /// Names whose whole value, up to the end of the line (or a closing quote), is a credential.
    static let wholeLineNames: Set<String> = ["authorization", "proxy-authorization", "cookie", "set-cookie"]
    /// Name endings that mark a credential; the value runs to whitespace, a quote or `&,;`.
    static let credentialEndings = [
        "token", "secret", "password", "passwd", "signature", "api-key", "api_key", "apikey", "secret_access_key", "private_key",
    ]

    /// The byte ranges of credential values in `bytes` (UTF-8 text).
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard isNameByte(bytes[index]) else {
                index += 1
                continue
            }
            let nameStart = index
            while index < bytes.count && isNameByte(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[nameStart..<index], as: UTF8.self).lowercased()
            let wholeLine = wholeLineNames.contains(name)
            guard wholeLine || credentialEndings.contains(where: { name.hasSuffix($0) }),
                  let value = valueRange(in: bytes, afterName: index, wholeLine: wholeLine)
            else { continue }
            ranges.append(value)
            index = value.upperBound
        }
        return ranges
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte == 0x2d || byte == 0x5f
    }

    private static func isQuote(_ byte: UInt8) -> Bool { byte == 0x22 || byte == 0x27 }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func isLineEnd(_ byte: UInt8) -> Bool { byte == 0x0a || byte == 0x0d }

    /// The value after `name`, `"name"`, `name:`, `name =`, `"name": "…"`; nil when no `:` or `=` follows.
    private static func valueRange(in bytes: [UInt8], afterName start: Int, wholeLine: Bool) -> Range<Int>? {
        var index = start
        if index < bytes.count && isQuote(bytes[index]) { index += 1 }
        while index < bytes.count && isBlank(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") || bytes[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        while index < bytes.count && isBlank(bytes[index]) { index += 1 }
        var quote: UInt8?
        if index < bytes.count && isQuote(bytes[index]) {
            quote = bytes[index]
            index += 1
        }
        let valueStart = index
        while index < bytes.count && !isLineEnd(bytes[index]) {
            let byte = bytes[index]
            if let quote {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == quote { break }
            } else if !wholeLine && (isBlank(byte) || isQuote(byte) || byte == UInt8(ascii: "&") || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";")) {
                break
            } else if wholeLine && isQuote(byte) {
                break
            }
            index += 1
        }
        index = min(index, bytes.count)
        return index > valueStart ? valueStart..<index : nil
    }
}
