import Foundation
import KeyStore

/// The settings read from `keyctl.toml`. Secrets are never written inline in it, only referenced
/// as `env:VAR` or `file:PATH`. See docs/configuration.md for every setting.
public struct KeyctlConfiguration: Sendable, Equatable {
    public var policies: PolicyTable
    public var issuers: [String: IssuerDefinition] = [:]
    public var targets: [String: TargetDefinition] = [:]
    public var verifiers: [String: VerifierDefinition] = [:]
    public var notifiers: [String: NotifierDefinition] = [:]
    /// `[rotation]` defaults, then per environment, per key name, per `name@env`.
    public var defaultBinding = RotationBinding()
    public var environmentBindings: [String: RotationBinding] = [:]
    public var keyBindings: [String: RotationBinding] = [:]
    /// `readers` of `[targets.NAME]`, by target name: who can read what that target holds.
    public var targetReaders: [String: [Principal]] = [:]
    /// `readers` of `[keys.NAME]` and `[keys."NAME@ENV"]`, by the table's key (`NAME` or `NAME@ENV`).
    public var keyReaders: [String: [Principal]] = [:]
    /// `[registry] url`: where the registry lives when neither `--db` nor `KEYCTL_DB` says (a
    /// SQLite file path or a `postgres://` URL); nil means the default file.
    public var registryURL: String?
    /// Where the custody key lives when `KEYCTL_MASTER_KEY` is not set; nil means the default.
    public var custodyKeyFile: String?
    /// `[policy] wildcard_allowed`: the keys (`name` in every environment, or `name@env`) that may
    /// carry the `*` scope; `keyctl doctor` fails any other key that does.
    public var wildcardAllowed: [String] = []
    /// The file this configuration came from, for error messages; nil for the defaults.
    public var file: String?
    /// Where each table was written, by its name as messages show it (`[targets.vault-prod]`), so
    /// that a problem found when the adapters are built still names its line.
    public var tableLines: [String: Int] = [:]

    public init(policies: PolicyTable = PolicyTable()) {
        self.policies = policies
    }

    /// Reads and checks the file at `path`. Throws `ConfigError` naming the line of the first problem.
    public static func load(path: String) throws(ConfigError) -> KeyctlConfiguration {
        // Read at most one byte past the limit: the path may name something endless such as /dev/zero.
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.read(upToCount: TOMLSourceMap.maximumBytes + 1) ?? Data() else {
            throw ConfigError(file: path, line: 0, problem: "cannot read the config file (missing or not readable)")
        }
        try? handle.close()
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: 0, problem: "the config file is not UTF-8 text")
        }
        return try KeyctlConfiguration(parsing: text, file: path)
    }

    /// Parses the text of a config file; `file` is used in error messages. Pure (it reads no file
    /// and no environment), so it is the entry point for fuzzing the config parser.
    public init(parsing text: String, file: String) throws(ConfigError) {
        let root = try TOMLParser(file: file).parse(text)
        let reader = ConfigReader(file: file)
        try reader.allowOnly(
            ["registry", "policy", "environments", "rotation", "issuers", "targets", "verifiers", "notifiers", "keys"], in: root,
            tableName: "the top level")
        self.file = file
        if let registry = root["registry"] {
            let table = try reader.table(registry, tableName: "[registry]")
            try reader.allowOnly(["url"], in: table, tableName: "[registry]")
            if let url = table["url"] {
                let location = try reader.string(url)
                if RegistryLocation.carriesPassword(location) {
                    throw ConfigError(
                        file: file, line: url.line,
                        problem: "[registry] url holds a password, and keyctl.toml never holds a secret: remove it and use PGPASSWORD or ~/.pgpass (see docs/postgresql.md)")
                }
                registryURL = location
            }
        }
        var defaultPolicy = RotationPolicy.standard
        if let policy = root["policy"] {
            let table = try reader.table(policy, tableName: "[policy]")
            try reader.allowOnly(["max_age", "warn_window", "wildcard_allowed"], in: table, tableName: "[policy]")
            defaultPolicy = try reader.policy(table, base: defaultPolicy)
            wildcardAllowed = try table["wildcard_allowed"].map(reader.keySelectors) ?? []
        }
        var overrides: [EnvironmentName: RotationPolicy] = [:]
        for entry in try reader.tables(root["environments"], tableName: "[environments]") {
            guard let env = EnvironmentName(entry.key) else {
                throw ConfigError(file: file, line: entry.line, problem: "'\(entry.key)' is not an environment name: \(EnvironmentName.rule)")
            }
            let table = try reader.table(entry, tableName: "[environments.\(entry.key)]")
            try reader.allowOnly(ConfigReader.policyKeys.union(ConfigReader.bindingKeys), in: table, tableName: "[environments.\(entry.key)]")
            overrides[env] = try reader.policy(table, base: defaultPolicy)
            environmentBindings[entry.key] = try reader.binding(table)
            tableLines["[environments.\(entry.key)]"] = entry.line
        }
        policies = PolicyTable(defaultPolicy: defaultPolicy, overrides: overrides)

        if let rotation = root["rotation"] {
            let table = try reader.table(rotation, tableName: "[rotation]")
            try reader.allowOnly(ConfigReader.bindingKeys.union(["custody_key_file"]), in: table, tableName: "[rotation]")
            defaultBinding = try reader.binding(table)
            tableLines["[rotation]"] = rotation.line
            custodyKeyFile = try table["custody_key_file"].map(reader.string)
        }
        for entry in try reader.tables(root["issuers"], tableName: "[issuers]") {
            issuers[entry.key] = try reader.issuer(entry)
            tableLines["[issuers.\(entry.key)]"] = entry.line
        }
        for entry in try reader.tables(root["targets"], tableName: "[targets]") {
            let (target, readers) = try reader.readers(in: entry)
            targets[entry.key] = try reader.target(target)
            if !readers.isEmpty { targetReaders[entry.key] = readers }
            tableLines["[targets.\(entry.key)]"] = entry.line
        }
        for entry in try reader.tables(root["verifiers"], tableName: "[verifiers]") {
            verifiers[entry.key] = try reader.verifier(entry)
            tableLines["[verifiers.\(entry.key)]"] = entry.line
        }
        for entry in try reader.tables(root["notifiers"], tableName: "[notifiers]") {
            notifiers[entry.key] = try reader.notifier(entry)
            tableLines["[notifiers.\(entry.key)]"] = entry.line
        }
        for entry in try reader.tables(root["keys"], tableName: "[keys]") {
            let parts = entry.key.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, KeyName(parts[0]) != nil, parts.count == 1 || EnvironmentName(parts[1]) != nil else {
                throw ConfigError(file: file, line: entry.line, problem: "'\(entry.key)' must be a key name, or name@env")
            }
            let (keyEntry, readers) = try reader.readers(in: entry)
            let table = try reader.table(keyEntry, tableName: "[keys.\(entry.key)]")
            try reader.allowOnly(ConfigReader.bindingKeys.union(["readers"]), in: table, tableName: "[keys.\"\(entry.key)\"]")
            keyBindings[entry.key] = try reader.binding(table)
            if !readers.isEmpty { keyReaders[entry.key] = readers }
            tableLines["[keys.\(entry.key)]"] = entry.line
        }
        try checkReferences(reader: reader)
    }

    /// Whether `[policy] wildcard_allowed` lets `name` in `env` carry the `*` scope.
    public func allowsWildcard(_ name: KeyName, in env: EnvironmentName) -> Bool {
        wildcardAllowed.contains(name.rawValue) || wildcardAllowed.contains("\(name)@\(env)")
    }

    /// Every name a binding uses must be defined.
    private func checkReferences(reader: ConfigReader) throws(ConfigError) {
        func check(_ binding: RotationBinding, line: Int) throws(ConfigError) {
            if let issuer = binding.issuer, issuers[issuer] == nil {
                throw ConfigError(file: reader.file, line: line, problem: "no issuer '\(issuer)' is defined in [issuers]")
            }
            for target in binding.targets ?? [] where targets[target] == nil {
                throw ConfigError(file: reader.file, line: line, problem: "no target '\(target)' is defined in [targets]")
            }
            if let verifier = binding.verifier, verifiers[verifier] == nil {
                throw ConfigError(file: reader.file, line: line, problem: "no verifier '\(verifier)' is defined in [verifiers]")
            }
            for notifier in binding.notifiers ?? [] where notifiers[notifier] == nil {
                throw ConfigError(file: reader.file, line: line, problem: "no notifier '\(notifier)' is defined in [notifiers]")
            }
        }
        try check(defaultBinding, line: line(of: "[rotation]"))
        for (env, binding) in environmentBindings.sorted(by: { $0.key < $1.key }) { try check(binding, line: line(of: "[environments.\(env)]")) }
        for (key, binding) in keyBindings.sorted(by: { $0.key < $1.key }) { try check(binding, line: line(of: "[keys.\(key)]")) }
    }

    /// The line where the table named `tableName` (`[targets.vault-prod]`) was written; 0 if none.
    public func line(of tableName: String) -> Int {
        tableLines[tableName] ?? 0
    }

    /// The line of the most specific table that binds adapters to `name` in `env`:
    /// `[keys."NAME@ENV"]`, `[keys.NAME]`, `[environments.ENV]`, then `[rotation]`; 0 if none does.
    public func bindingLine(for name: KeyName, in env: EnvironmentName) -> Int {
        ["[keys.\(name)@\(env)]", "[keys.\(name)]", "[environments.\(env)]", "[rotation]"].lazy.map(line(of:)).first { $0 > 0 } ?? 0
    }

    /// The adapters bound to `name` in `env`: `[rotation]`, then `[environments.ENV]`, then
    /// `[keys.NAME]`, then `[keys."NAME@ENV"]`, each overriding what it sets.
    public func binding(for name: KeyName, in env: EnvironmentName) -> RotationBinding {
        [environmentBindings[env.rawValue], keyBindings[name.rawValue], keyBindings["\(name)@\(env)"]]
            .compactMap { $0 }
            .reduce(defaultBinding) { $0.overlaid(by: $1) }
    }
}
