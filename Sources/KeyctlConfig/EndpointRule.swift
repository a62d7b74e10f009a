import Foundation

/// Which URLs may carry a secret or a signed event: HTTPS anywhere, plain HTTP only to loopback.
///
/// Loopback is decided by the address, never by how the name starts: the host must be an IPv4
/// literal in 127.0.0.0/8 written as a strict dotted quad (`127.0.0.1`; not `127.1`, `0x7f.0.0.1`
/// or `0177.0.0.1`, which resolvers read differently), the IPv6 literal `[::1]`, or the name
/// `localhost` itself, which /etc/hosts maps to loopback on every system keyctl supports. So
/// `http://127.evil.test/` and `http://127.0.0.1.nip.io/` are refused: they are names that anyone
/// can point anywhere.
public enum EndpointRule {
    /// Nil when `url` is allowed, else why not.
    public static func problem(with url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.percentEncodedHost, !host.isEmpty
        else { return "'\(url)' is not a URL" }
        if scheme == "https" { return nil }
        guard scheme == "http" else { return "'\(url)' must use https" }
        return isLoopback(host: host)
            ? nil : "'\(url)' must use https (plain http is allowed only to loopback: 127.x.x.x, [::1] or localhost)"
    }

    /// Whether `host`, as written in a URL (an IPv6 address in brackets or not), is a loopback address.
    public static func isLoopback(host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "[::1]" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && (part == "0" || part.first != "0") && Int(part).map { $0 <= 255 } == true
        }
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
