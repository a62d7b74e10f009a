import Foundation

/// Where the registry lives: `--db`, else `KEYCTL_DB`, else `[registry] url` in keyctl.toml, else
/// `$XDG_DATA_HOME/keyctl/registry.db` (`~/.local/share/keyctl/registry.db`). A location is a
/// SQLite file path or a `postgres://` (`postgresql://`) URL.
public enum RegistryLocation {
    public static func resolve(explicit: String?, environment: [String: String], configured: String? = nil) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["KEYCTL_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let configured, !configured.isEmpty { return configured }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("keyctl/registry.db")
    }

    /// Whether `location` names a PostgreSQL server rather than a SQLite file: a `postgres://` or
    /// `postgresql://` URL, the scheme in any case and after any leading spaces, so that a URL is
    /// never taken for a file path (and its password never for a folder's name).
    public static func isPostgres(_ location: String) -> Bool {
        let start = location.drop { $0 == " " || $0 == "\t" }.prefix(13).lowercased()
        return start.hasPrefix("postgres://") || start.hasPrefix("postgresql://")
    }

    /// Whether `location` is a PostgreSQL URL that carries a password, as `user:secret@` or as a
    /// `password=` query parameter (its name percent-decoded): keyctl refuses one in an argument
    /// (ps shows it) and in keyctl.toml (which never holds a secret).
    public static func carriesPassword(_ location: String) -> Bool {
        guard isPostgres(location), let schemeEnd = location.range(of: "://") else { return false }
        let rest = location[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
        guard let query = rest.firstIndex(of: "?") else { return false }
        return rest[rest.index(after: query)...].split(separator: "&").contains { parameter in
            let name = parameter.prefix { $0 != "=" }
            return (String(name).removingPercentEncoding ?? String(name)).lowercased() == "password"
        }
    }
}
