import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig

struct Access: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
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
        let registry = try global.openRegistry()
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

/// One line of `access list`: a grant from the registry, or a reader named in keyctl.toml.
enum AccessEntry {
    case granted(AccessGrant)
    case configured(KeyReference, ConfiguredReader)

    var key: KeyReference {
        switch self {
        case .granted(let grant): KeyReference(grant.keyName, grant.keyEnv)
        case .configured(let key, _): key
        }
    }

    var principal: Principal {
        switch self {
        case .granted(let grant): grant.principal
        case .configured(_, let reader): reader.principal
        }
    }

    var source: AccessSource {
        if case .granted = self { return .registry }
        return .config
    }

    /// Ordered by environment, key name, principal, source (registry before config), then grant date.
    static func ordered(_ lhs: Self, _ rhs: Self) -> Bool {
        (lhs.key.env, lhs.key.name, lhs.principal, lhs.source.rawValue, lhs.since) < (rhs.key.env, rhs.key.name, rhs.principal, rhs.source.rawValue, rhs.since)
    }

    private var since: Int64 {
        if case .granted(let grant) = self { return Timestamp.epochSeconds(grant.grantedAt) }
        return 0
    }

    static func render(_ entries: [AccessEntry], format: OutputFormat, to sink: any OutputSink) {
        switch format {
        case .json, .prometheus:
            var writer = JSONWriter(sink: sink)
            writer.beginObject()
            writer.key("access")
            writer.beginArray()
            for entry in entries { writer.accessEntry(entry) }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var table = TextTable("NAME", "ENV", "PRINCIPAL", "SOURCE", "SINCE", "BY", "REVOKED")
            for entry in entries {
                switch entry {
                case .granted(let grant):
                    table.add([
                        grant.keyName.rawValue, grant.keyEnv.rawValue, grant.principal.rawValue, "registry", Timestamp.format(grant.grantedAt),
                        grant.grantedBy, grant.revokedAt.map { "\(Timestamp.format($0)) by \(grant.revokedBy ?? "?")" } ?? "-",
                    ])
                case .configured(let key, let reader):
                    table.add([key.name.rawValue, key.env.rawValue, reader.principal.rawValue, "config", "-", reader.table, "-"])
                }
            }
            sink.write(table.isEmpty ? "no access recorded\n" : table.render())
        }
    }
}

extension JSONWriter {
    mutating func accessEntry(_ entry: AccessEntry) {
        beginObject()
        key("name")
        string(entry.key.name.rawValue)
        key("env")
        string(entry.key.env.rawValue)
        key("principal")
        string(entry.principal.rawValue)
        key("source")
        string(entry.source.rawValue)
        switch entry {
        case .granted(let grant):
            key("granted_at")
            timestamp(epochSeconds: Timestamp.epochSeconds(grant.grantedAt))
            key("granted_by")
            string(grant.grantedBy)
            key("reason")
            string(grant.reason)
            key("revoked_at")
            timestamp(epochSeconds: grant.revokedAt.map(Timestamp.epochSeconds))
            key("revoked_by")
            string(grant.revokedBy)
            key("revoke_reason")
            string(grant.revokeReason)
        case .configured(_, let reader):
            key("table")
            string(reader.table)
        }
        endObject()
    }
}
