import KeyStore

/// A reader keyctl.toml names for a key, and the table that names it (`[targets.app-env]`).
public struct ConfiguredReader: Sendable, Equatable {
    public var principal: Principal
    public var table: String
}

extension KeyctlConfiguration {
    /// Who keyctl.toml says can read `name` in `env`: the `readers` of every target its rotation
    /// deploys to, then of `[keys.NAME]` and `[keys."NAME@ENV"]`. Readers add up across tables
    /// (none overrides another); a principal named twice is listed once, with the first table.
    public func readers(of name: KeyName, in env: EnvironmentName) -> [ConfiguredReader] {
        var readers: [ConfiguredReader] = []
        func add(_ principals: [Principal]?, table: String) {
            for principal in principals ?? [] where !readers.contains(where: { $0.principal == principal }) {
                readers.append(ConfiguredReader(principal: principal, table: table))
            }
        }
        for target in binding(for: name, in: env).targets ?? [] { add(targetReaders[target], table: "[targets.\(target)]") }
        add(keyReaders[name.rawValue], table: "[keys.\(name)]")
        add(keyReaders["\(name)@\(env)"], table: "[keys.\"\(name)@\(env)\"]")
        return readers
    }

    /// Whether any table names readers; when none does, nothing needs the registry's keys listed.
    public var namesReaders: Bool { !targetReaders.isEmpty || !keyReaders.isEmpty }

    /// The registered keys that keyctl.toml names `principal` a reader of, retired ones included.
    public func keys(readableBy principal: Principal, in registry: any KeyRegistry) async throws -> Set<KeyReference> {
        guard namesReaders else { return [] }
        var keys: Set<KeyReference> = []
        try await registry.forEachKey(matching: KeyFilter()) { key in
            if readers(of: key.name, in: key.env).contains(where: { $0.principal == principal }) {
                keys.insert(KeyReference(key.name, key.env))
            }
        }
        return keys
    }
}
