import Foundation

/// Where `keyctl.toml` is read from: `--config`, else `KEYCTL_CONFIG`, else `./keyctl.toml`,
/// else `$XDG_CONFIG_HOME/keyctl/keyctl.toml` (`~/.config/keyctl/keyctl.toml`).
public enum ConfigLocation {
    /// The file to read, or nil when none was named and none of the default places has one.
    /// A file named by `--config` or `KEYCTL_CONFIG` is returned even if missing, so that
    /// loading it reports the mistake instead of silently using the defaults.
    public static func resolve(explicit: String?, environment: [String: String], currentDirectory: String) -> String? {
        if let explicit { return explicit }
        if let fromEnvironment = environment["KEYCTL_CONFIG"], !fromEnvironment.isEmpty { return fromEnvironment }
        let local = (currentDirectory as NSString).appendingPathComponent("keyctl.toml")
        if FileManager.default.fileExists(atPath: local) { return local }
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        let user = (configHome as NSString).appendingPathComponent("keyctl/keyctl.toml")
        return FileManager.default.fileExists(atPath: user) ? user : nil
    }
}
