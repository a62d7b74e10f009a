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

    /// Whether `location` names a PostgreSQL server rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Whether `location` is a PostgreSQL URL that carries a password (`postgres://user:secret@host/db`):
    /// keyctl refuses one in an argument (ps shows it) and in keyctl.toml (which never holds a secret).
    public static func carriesPassword(_ location: String) -> Bool {
        guard isPostgres(location), let schemeEnd = location.range(of: "://") else { return false }
        let rest = location[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard let at = authority.lastIndex(of: "@") else { return false }
        return authority[..<at].contains(":")
    }
}
