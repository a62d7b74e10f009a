import Foundation

/// Where the registry lives: `--db`, else `KEYCTL_DB`, else
/// `$XDG_DATA_HOME/keyctl/registry.db` (`~/.local/share/keyctl/registry.db`).
public enum RegistryLocation {
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["KEYCTL_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".local/share")
        return (dataHome as NSString).appendingPathComponent("keyctl/registry.db")
    }
}
