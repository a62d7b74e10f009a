import Foundation
import KeyStore

/// The settings read from `keyctl.toml`. Secrets are never written inline in it.
///
/// ```toml
/// [policy]               # the defaults for every environment
/// max_age = "90d"
/// warn_window = "14d"
///
/// [environments.prod]    # an environment's own policy; unset fields fall back to [policy]
/// max_age = "30d"
/// ```
public struct KeyctlConfiguration: Sendable, Equatable {
    public var policies: PolicyTable

    public init(policies: PolicyTable = PolicyTable()) {
        self.policies = policies
    }

    /// Reads and checks the file at `path`. Throws `ConfigError` naming the line of the first problem.
    public static func load(path: String) throws(ConfigError) -> KeyctlConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: 0, problem: "cannot read the config file (missing or not readable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, problem: "the config file is not UTF-8 text")
        }
        return try KeyctlConfiguration(parsing: text, file: path)
    }

    /// Parses the text of a config file; `file` is used in error messages.
    public init(parsing text: String, file: String) throws(ConfigError) {
        let root = try TOMLParser(file: file).parse(text)
        let reader = ConfigReader(file: file)
        try reader.allowOnly(["policy", "environments"], in: root, tableName: "the top level")
        var defaultPolicy = RotationPolicy.standard
        if let policy = root["policy"] {
            defaultPolicy = try reader.policy(policy, base: defaultPolicy, tableName: "[policy]")
        }
        var overrides: [EnvironmentName: RotationPolicy] = [:]
        if let environments = root["environments"] {
            for entry in try reader.table(environments, tableName: "[environments]").entries {
                guard let env = EnvironmentName(entry.key) else {
                    throw ConfigError(file: file, line: entry.line, problem: "'\(entry.key)' is not an environment name: \(EnvironmentName.rule)")
                }
                overrides[env] = try reader.policy(entry, base: defaultPolicy, tableName: "[environments.\(entry.key)]")
            }
        }
        policies = PolicyTable(defaultPolicy: defaultPolicy, overrides: overrides)
    }
}

/// Checks the shape of parsed TOML against what keyctl expects.
private struct ConfigReader {
    let file: String

    func table(_ entry: TOMLTable.Entry, tableName: String) throws(ConfigError) -> TOMLTable {
        guard case .table(let table) = entry.value else {
            throw ConfigError(file: file, line: entry.line, problem: "\(tableName) must be a table, not \(entry.value.typeName)")
        }
        return table
    }

    func allowOnly(_ keys: Set<String>, in table: TOMLTable, tableName: String) throws(ConfigError) {
        if let unknown = table.entries.first(where: { !keys.contains($0.key) }) {
            throw ConfigError(
                file: file, line: unknown.line,
                problem: "unknown setting '\(unknown.key)' in \(tableName); expected one of: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func policy(_ entry: TOMLTable.Entry, base: RotationPolicy, tableName: String) throws(ConfigError) -> RotationPolicy {
        let table = try table(entry, tableName: tableName)
        try allowOnly(["max_age", "warn_window"], in: table, tableName: tableName)
        var policy = base
        if let maxAge = table["max_age"] { policy.maxAge = try timeSpan(maxAge) }
        if let warnWindow = table["warn_window"] { policy.warnWindow = try timeSpan(warnWindow) }
        return policy
    }

    private func timeSpan(_ entry: TOMLTable.Entry) throws(ConfigError) -> TimeSpan {
        guard case .string(let text) = entry.value, let span = TimeSpan(text) else {
            throw ConfigError(file: file, line: entry.line, problem: "'\(entry.key)' must be a duration string such as \"90d\": \(TimeSpan.rule)")
        }
        return span
    }
}
