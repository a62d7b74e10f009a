import Foundation

/// Which URLs may carry a secret or a signed event: HTTPS anywhere, plain HTTP only to loopback.
public enum EndpointRule {
    /// Nil when `url` is allowed, else why not.
    public static func problem(with url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty
        else { return "'\(url)' is not a URL" }
        if scheme == "https" { return nil }
        guard scheme == "http" else { return "'\(url)' must use https" }
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        return loopback ? nil : "'\(url)' must use https (plain http is allowed only to loopback addresses)"
    }
}
