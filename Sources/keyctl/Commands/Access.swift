import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig

struct Access: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "access",
        abstract: "Record who can read a key's secret: a person, a team or a CI system.",
        discussion: """
            keyctl access grant checkout --env prod --to team:payments --reason "runs checkout"
            keyctl access revoke checkout --env prod --to alice@example.com
            keyctl access list checkout --env prod
            keyctl access list --principal alice@example.com
            A principal is an email (alice@example.com), team:NAME or ci:NAME.
            """,
        subcommands: [GrantAccess.self, RevokeAccess.self, ListAccess.self])
}

/// The key and principal that `grant` and `revoke` take.
struct AccessChangeOptions: ParsableArguments {
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @Option(name: .customLong("to"), help: ArgumentHelp("Who: alice@example.com, team:NAME or ci:NAME.", valueName: "principal"), transform: ArgumentParsing.principal)
    var principal: Principal
    @Option(help: "Why (recorded in the audit log).") var reason: String?

    func validate() throws {
        if let reason, reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must not be empty") }
    }

    var key: KeyReference { KeyReference(name, env) }
}

struct GrantAccess: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "grant", abstract: "Record that a principal can read a key's secret.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: AccessChangeOptions

    func run() async throws {
        // keyctl.toml names readers too: a broken one is exit 65 before anything is written.
        _ = try global.loadConfiguration()
        let grant = try await global.openRegistry().grantAccess(to: change.principal, on: change.key, reason: change.reason, actor: global.resolvedActor)
        CommandContext.current.standardOutput.line("granted \(grant.principal) access to \(change.key)")
    }
}

struct RevokeAccess: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Revoke a principal's grant on a key (kept as history).",
        discussion: "Exit 1 when the principal has no grant in force on the key; nothing is written then.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var change: AccessChangeOptions

    func run() async throws {
        _ = try global.loadConfiguration()
        let grant = try await global.openRegistry().revokeAccess(of: change.principal, on: change.key, reason: change.reason, actor: global.resolvedActor)
        CommandContext.current.standardOutput.line(
            "revoked \(grant.principal)'s access to \(change.key); it may still know the secret: rotate the key to be sure")
    }
}

struct ListAccess: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List who can read keys: grants in the registry and readers named in keyctl.toml.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Only this key (with --env).", transform: ArgumentParsing.keyName) var name: KeyName?
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @Option(help: ArgumentHelp("Only what this principal can read.", valueName: "principal"), transform: ArgumentParsing.principal)
    var principal: Principal?
    @Flag(help: "Also the grants that were revoked.") var history = false
    @OptionGroup var format: FormatOptions

    func validate() throws {
        if name != nil, env == nil { throw ValidationError("missing --env for key '\(name!)'") }
        if name == nil, env != nil { throw ValidationError("--env goes with a key name: keyctl access list NAME --env ENV") }
        if name != nil, principal != nil { throw ValidationError("give a key (NAME --env ENV) or --principal, not both") }
    }

    func run() async throws {
        let configuration = try global.loadConfiguration()
        let registry = try await global.openRegistry()
        let key = name.map { KeyReference($0, env!) }
        var entries = try await registry.accessGrants(matching: AccessFilter(key: key, principal: principal, includeRevoked: history))
            .map(AccessEntry.granted)
        if configuration.namesReaders {
            try await registry.forEachKey(matching: KeyFilter(env: key?.env)) { record in
                guard record.status != .retired, key == nil || key?.name == record.name else { return }
                for reader in configuration.readers(of: record.name, in: record.env) where principal == nil || reader.principal == principal {
                    entries.append(.configured(KeyReference(record.name, record.env), reader))
                }
            }
        }
        entries.sort(by: AccessEntry.ordered)
        AccessEntry.render(entries, format: format.resolved(), to: CommandContext.current.standardOutput)
    }
}
