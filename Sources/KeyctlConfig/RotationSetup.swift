import Adapters
import Foundation
import KeyStore
import Rotation

/// Turns keyctl.toml's definitions into the plan and the adapters of one key's rotation.
public struct RotationSetup: Sendable {
    public let configuration: KeyctlConfiguration
    public let environment: [String: String]
    public let clock: any WallClock

    /// The grace period when keyctl.toml sets none.
    public static let defaultGrace = TimeSpan(seconds: 3_600)

    public init(configuration: KeyctlConfiguration, environment: [String: String], clock: any WallClock) {
        self.configuration = configuration
        self.environment = environment
        self.clock = clock
    }

    private var file: String { configuration.file ?? "keyctl.toml" }

    /// The plan for rotating `name` in `env`. Throws `ConfigError` when no issuer or no target is bound.
    public func plan(for name: KeyName, in env: EnvironmentName, grace: TimeSpan?, emergency: Bool) throws(ConfigError) -> RotationPlan {
        let binding = configuration.binding(for: name, in: env)
        let line = configuration.bindingLine(for: name, in: env)
        guard let issuer = binding.issuer else {
            throw ConfigError(file: file, line: line, problem: "no issuer for \(name)@\(env): set issuer in [rotation], [environments.\(env)] or [keys.\(name)]")
        }
        guard let targets = binding.targets, !targets.isEmpty else {
            throw ConfigError(file: file, line: line, problem: "no deploy target for \(name)@\(env): set targets in [keys.\(name)] or [keys.\"\(name)@\(env)\"]")
        }
        let graceSpan = emergency ? TimeSpan(seconds: 0) : (grace ?? binding.grace.map { TimeSpan(seconds: $0.seconds) } ?? Self.defaultGrace)
        return RotationPlan(issuer: issuer, targets: targets, verifier: binding.verifier, grace: graceSpan, emergency: emergency)
    }

    /// The adapters a recorded rotation uses, by the names in its plan.
    public func adapters(for rotation: RotationRecord) throws -> RotationAdapters {
        try adapters(issuer: rotation.issuer, targets: rotation.targets, verifier: rotation.verifier, rotation.keyName, rotation.env)
    }

    /// The adapters `plan` names. Building them checks everything the configuration and the
    /// environment must provide (addresses, regions, URLs, CA files, credentials), so that a mistake
    /// is found before a credential is created; a `ConfigError` names the adapter's table and line.
    public func adapters(for plan: RotationPlan, _ name: KeyName, _ env: EnvironmentName) throws -> RotationAdapters {
        try adapters(issuer: plan.issuer, targets: plan.targets, verifier: plan.verifier, name, env)
    }

    private func adapters(issuer issuerName: String, targets: [String], verifier verifierName: String?, _ name: KeyName, _ env: EnvironmentName) throws -> RotationAdapters {
        let notifierNames = configuration.binding(for: name, in: env).notifiers ?? []
        return RotationAdapters(
            issuer: try issuer(issuerName, name, env),
            targets: try targets.map { try target($0, name, env) },
            verifier: try verifierName.map { try verifier($0, name, env) },
            notifiers: try notifierNames.map { try notifier($0) })
    }

    /// The first deploy target and the verifier bound to the key, for `keyctl verify`.
    public func verification(for name: KeyName, in env: EnvironmentName) throws -> (target: any DeployTarget, verifier: any Verifier) {
        let binding = configuration.binding(for: name, in: env)
        let line = configuration.bindingLine(for: name, in: env)
        guard let targetName = binding.targets?.first else {
            throw ConfigError(file: file, line: line, problem: "no deploy target for \(name)@\(env) to read its current secret from")
        }
        guard let verifierName = binding.verifier else {
            throw ConfigError(file: file, line: line, problem: "no verifier for \(name)@\(env): set verifier in [keys.\(name)]")
        }
        return (try target(targetName, name, env), try verifier(verifierName, name, env))
    }

    /// `KEYCTL_MASTER_KEY`, else the custody key file (`[rotation] custody_key_file`, else
    /// `$XDG_CONFIG_HOME/keyctl/custody.key`), created on first use.
    public func custody() throws -> SecretCustody {
        try SecretCustody.load(environment: environment, keyFile: custodyKeyFile)
    }

    /// The custody key file: `[rotation] custody_key_file`, else `$XDG_CONFIG_HOME/keyctl/custody.key`
    /// (used only when `KEYCTL_MASTER_KEY` is not set).
    public var custodyKeyFile: String {
        let configHome = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        return configuration.custodyKeyFile ?? (configHome as NSString).appendingPathComponent("keyctl/custody.key")
    }

    // MARK: Definitions to adapters

    private func expand(_ text: String, _ name: KeyName, _ env: EnvironmentName) -> String {
        guard text.utf8.contains(UInt8(ascii: "{")) else { return text }
        return text.replacing("{name}", with: name.rawValue).replacing("{env}", with: env.rawValue)
    }

    /// A problem with the adapter defined in `table` (`[targets.vault-prod]`), at that table's line.
    private func problem(in table: String, _ problem: String) -> ConfigError {
        ConfigError(file: file, line: configuration.line(of: table), problem: problem)
    }

    /// A CA file is read only when a request is made, which for a target is after the credential
    /// was created; so it is checked here.
    private func checkCAFile(_ path: String?, in table: String) throws(ConfigError) {
        guard let path else { return }
        guard let data = FileManager.default.contents(atPath: path), String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw problem(in: table, "\(table) ca_file '\(path)' cannot be read or holds no PEM certificate")
        }
    }

    /// `url` once `{name}` and `{env}` are filled in, checked again: only now is its host known.
    private func endpoint(_ url: String, _ name: KeyName, _ env: EnvironmentName, in table: String) throws(ConfigError) -> String {
        let expanded = expand(url, name, env)
        if let problem = EndpointRule.problem(with: expanded) { throw self.problem(in: table, "\(table) \(problem)") }
        return expanded
    }

    private func undefined(_ kind: String, _ adapter: String) -> ConfigError {
        ConfigError(file: file, line: 0, problem: "no \(kind) '\(adapter)' is defined (a rotation in flight still uses it: restore it or abort)")
    }

    private func issuer(_ adapter: String, _ name: KeyName, _ env: EnvironmentName) throws -> any CredentialIssuer {
        switch configuration.issuers[adapter] {
        case .local(let prefix): return LocalIssuer(prefix: expand(prefix, name, env))
        case .exec(let command, let timeout, let passEnvironment):
            return ExecIssuer(name: adapter, command: command.map { expand($0, name, env) }, timeoutSeconds: timeout, passEnvironment: passEnvironment)
        case .awsIAM(let user, let deactivation, let connection):
            try checkCAFile(connection.caFile, in: "[issuers.\(adapter)]")
            return IAMAccessKeyIssuer(
                name: adapter, user: expand(user, name, env), deactivation: deactivation, endpoint: connection.endpoint ?? "https://iam.amazonaws.com",
                credentials: try AWSCredentials.load(environment: environment, profile: connection.profile, adapter: "issuer \(adapter)"),
                caFile: connection.caFile, timeoutSeconds: connection.timeoutSeconds, clock: clock)
        case .http(let settings):
            try checkCAFile(settings.caFile, in: "[issuers.\(adapter)]")
            return RESTIssuer(
                name: adapter, create: settings.create, delete: settings.delete, secretPointer: settings.secretPointer, idPointer: settings.idPointer,
                credential: try SecretReference.resolve(settings.credential, environment: environment), timeoutSeconds: settings.timeoutSeconds,
                caFile: settings.caFile, retry: settings.attempts.map { RetryPolicy(attempts: $0) })
        case nil: throw undefined("issuer", adapter)
        }
    }

    private func target(_ adapter: String, _ name: KeyName, _ env: EnvironmentName) throws -> any DeployTarget {
        switch configuration.targets[adapter] {
        case .envFile(let path, let variable):
            return EnvFileTarget(name: adapter, path: expand(path, name, env), variable: expand(variable, name, env))
        case .exec(let command, let timeout, let inEnvironment, let passEnvironment):
            return ExecTarget(
                name: adapter, command: command.map { expand($0, name, env) }, timeoutSeconds: timeout, secretInEnvironment: inEnvironment,
                passEnvironment: passEnvironment)
        case .vault(let settings):
            let table = "[targets.\(adapter)]"
            guard let address = settings.address ?? environment["VAULT_ADDR"].flatMap({ $0.isEmpty ? nil : $0 }) else {
                throw problem(in: table, "\(table) has no 'address' and VAULT_ADDR is not set: set one of them to the Vault server's URL")
            }
            if settings.address == nil, let problem = EndpointRule.problem(with: address) { throw self.problem(in: table, "\(table) uses VAULT_ADDR, but \(problem)") }
            try checkCAFile(settings.caFile, in: table)
            return VaultKVTarget(
                name: adapter, address: address, mount: settings.mount, path: expand(settings.path, name, env), field: expand(settings.field, name, env),
                token: try SecretReference.resolve(settings.token, environment: environment), namespace: settings.namespace,
                caFile: settings.caFile, timeoutSeconds: settings.timeoutSeconds)
        case .awsSecretsManager(let secretID, let field, let idField, let connection):
            let region = try region(connection, adapter)
            try checkCAFile(connection.caFile, in: "[targets.\(adapter)]")
            return SecretsManagerTarget(
                name: adapter, secretID: expand(secretID, name, env), field: field.map { expand($0, name, env) }, idField: idField.map { expand($0, name, env) },
                endpoint: connection.endpoint ?? "https://secretsmanager.\(region).amazonaws.com", region: region,
                credentials: try AWSCredentials.load(environment: environment, profile: connection.profile, adapter: "target \(adapter)"),
                caFile: connection.caFile, timeoutSeconds: connection.timeoutSeconds, clock: clock)
        case nil: throw undefined("target", adapter)
        }
    }

    /// The configured region (checked when the file was read), else `AWS_REGION`, else
    /// `AWS_DEFAULT_REGION`, checked here.
    private func region(_ connection: AWSConnection, _ adapter: String) throws(ConfigError) -> String {
        let table = "[targets.\(adapter)]"
        if let region = connection.region { return region }
        guard let (variable, region) = [("AWS_REGION", environment["AWS_REGION"]), ("AWS_DEFAULT_REGION", environment["AWS_DEFAULT_REGION"])]
            .compactMap({ name, value in value.flatMap { $0.isEmpty ? nil : (name, $0) } }).first
        else {
            throw problem(in: table, "no AWS region for \(table): set 'region', or AWS_REGION")
        }
        guard AWSConnection.isRegion(region) else {
            throw problem(in: table, "\(table) uses \(variable), but '\(region)' is not an AWS region such as eu-west-1")
        }
        return region
    }

    private func verifier(_ adapter: String, _ name: KeyName, _ env: EnvironmentName) throws -> any Verifier {
        switch configuration.verifiers[adapter] {
        case .http(let url, let method, let headers, let status, let timeout, let caFile):
            let parsed = headers.map { header -> (name: String, template: String) in
                let colon = header.firstIndex(of: ":")!
                return (String(header[..<colon]).trimmingCharacters(in: .whitespaces), String(header[header.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            }
            try checkCAFile(caFile, in: "[verifiers.\(adapter)]")
            return HTTPVerifier(name: adapter, url: try endpoint(url, name, env, in: "[verifiers.\(adapter)]"), method: method, headers: parsed, expectedStatus: status, timeoutSeconds: timeout, caFile: caFile)
        case .exec(let command, let timeout, let passEnvironment):
            return ExecVerifier(name: adapter, command: command.map { expand($0, name, env) }, timeoutSeconds: timeout, passEnvironment: passEnvironment)
        case nil: throw undefined("verifier", adapter)
        }
    }

    private func notifier(_ adapter: String) throws -> any Notifier {
        switch configuration.notifiers[adapter] {
        case .webhook(let url, let references):
            return WebhookNotifier(name: adapter, url: url, secrets: try references.map { try SecretReference.resolve($0, environment: environment) }, clock: clock)
        case nil: throw undefined("notifier", adapter)
        }
    }
}

/// Reads a secret named in keyctl.toml as `env:VAR` or `file:PATH`.
public enum SecretReference {
    public static func resolve(_ reference: String, environment: [String: String]) throws -> Secret {
        if reference.hasPrefix("env:") {
            let variable = String(reference.dropFirst(4))
            guard let value = environment[variable], !value.isEmpty else {
                throw CustodyError("the environment variable \(variable) (referenced as \(reference)) is not set")
            }
            return try Secret(reading: value)
        }
        let path = String(reference.dropFirst(5))
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CustodyError("cannot read \(path) (referenced as \(reference))")
        }
        return try Secret(reading: String(decoding: data, as: UTF8.self))
    }
}
