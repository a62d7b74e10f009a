import KeyStore

/// The parts of a `postgres://` or `postgresql://` URL, percent-decoded, as libpq reads them:
/// `postgres://[user[:password]@][host][:port][/database][?name=value&...]`, with an IPv6 host in
/// brackets (`[::1]`). Query parameters are kept by name (the last one wins) and override the
/// parts before them, as in libpq.
///
/// Errors name the part that is wrong and never echo any of the URL, since any part of a
/// malformed URL may hold the password.
struct PostgresURL: Sendable, Equatable {
    var user: String?
    var password: String?
    var host: String?
    var port: String?
    var database: String?
    var parameters: [String: String] = [:]

    /// The schemes libpq accepts.
    static let schemes = ["postgresql://", "postgres://"]

    /// Parses `text`. Throws `KeyStoreError` (`invalidInput`, exit 65) naming the faulty part.
    init(_ text: String) throws(KeyStoreError) {
        guard let scheme = Self.schemes.first(where: { text.hasPrefix($0) }) else {
            throw Self.invalid("it must start with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(scheme.count))

        // The credentials end at the last '@' before the path, so that an unencoded '@' in a
        // password still reads as part of it.
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        if let at = rest[..<authorityEnd].lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userinfo.firstIndex(of: ":") {
                user = try Self.decode(userinfo[..<colon], part: "the user name")
                password = try Self.decode(userinfo[userinfo.index(after: colon)...], part: "the password")
            } else {
                user = try Self.decode(userinfo, part: "the user name")
            }
        }

        let hostEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var hostPort = rest[..<hostEnd]
        rest = rest[hostEnd...]
        if hostPort.first == "[" {
            guard let close = hostPort.firstIndex(of: "]") else { throw Self.invalid("an IPv6 host lacks its closing ']'") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            hostPort = hostPort[hostPort.index(after: close)...]
            if !hostPort.isEmpty, hostPort.first != ":" { throw Self.invalid("an IPv6 host in brackets must be followed by ':port' or '/'") }
        } else {
            let colon = hostPort.firstIndex(of: ":") ?? hostPort.endIndex
            host = try Self.decode(hostPort[..<colon], part: "the host")
            hostPort = hostPort[colon...]
        }
        if hostPort.first == ":" { port = try Self.decode(hostPort.dropFirst(), part: "the port") }

        if rest.first == "/" {
            rest = rest.dropFirst()
            let pathEnd = rest.firstIndex(of: "?") ?? rest.endIndex
            database = try Self.decode(rest[..<pathEnd], part: "the database name")
            rest = rest[pathEnd...]
        }
        if rest.first == "?" {
            for pair in rest.dropFirst().split(separator: "&", omittingEmptySubsequences: true) {
                guard let equals = pair.firstIndex(of: "=") else {
                    throw Self.invalid("a query parameter lacks '=value'")
                }
                let name = try Self.decode(pair[..<equals], part: "a query parameter's name")
                parameters[name] = try Self.decode(pair[pair.index(after: equals)...], part: "the value of a query parameter")
            }
        }
        [\Self.user, \.host, \.port, \.database].forEach { if self[keyPath: $0] == "" { self[keyPath: $0] = nil } }
    }

    /// Whether `text` is meant as a PostgreSQL URL (its scheme), valid or not.
    static func hasScheme(_ text: String) -> Bool { schemes.contains { text.hasPrefix($0) } }

    /// `part` percent-decoded; `%00`, a bad escape or bytes that are not UTF-8 are refused.
    static func decode(_ part: Substring, part name: String) throws(KeyStoreError) -> String {
        var bytes: [UInt8] = []
        var index = part.utf8.startIndex
        let utf8 = part.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            index = utf8.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8[index...].first.flatMap(hexValue),
                  let low = utf8[utf8.index(after: index)...].first.flatMap(hexValue)
            else { throw invalid("\(name) holds a '%' that is not followed by two hexadecimal digits") }
            guard high != 0 || low != 0 else { throw invalid("\(name) holds %00") }
            bytes.append(high << 4 | low)
            index = utf8.index(index, offsetBy: 2)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw invalid("\(name) is not UTF-8 once percent-decoded") }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// An `invalidInput` error about the registry URL; `reason` must not quote the URL.
    static func invalid(_ reason: String) -> KeyStoreError {
        KeyStoreError(.invalidInput, "invalid PostgreSQL registry URL: \(reason)")
    }
}
