import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig
import SQLiteStore

/// `--db`, `--config` and `--actor`, taken by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Registry: a SQLite file or a postgres:// URL (default: $KEYCTL_DB, [registry] url in keyctl.toml, else $XDG_DATA_HOME/keyctl/registry.db).", valueName: "path-or-url"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Config file (default: $KEYCTL_CONFIG, ./keyctl.toml, $XDG_CONFIG_HOME/keyctl/keyctl.toml).", valueName: "path"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Who is acting, for the audit log (default: $KEYCTL_ACTOR, else the login user).", valueName: "name"))
    var actor: String?

    private var context: CommandContext { CommandContext.current }

    /// Where the registry lives: `--db`, `KEYCTL_DB`, `[registry] url` in keyctl.toml, else the
    /// default file. keyctl.toml is read only when neither of the first two says.
    func registryLocation() throws -> String {
        let fromOptions = RegistryLocation.resolve(explicit: db, environment: context.environment, configured: nil)
        if (db ?? "").isEmpty, (context.environment["KEYCTL_DB"] ?? "").isEmpty {
            return RegistryLocation.resolve(explicit: nil, environment: context.environment, configured: try loadConfiguration().registryURL)
        }
        return fromOptions
    }

    /// Opens the existing registry, once per command line; commands other than `init` never create one.
    func openRegistry() async throws -> any RegistryStore {
        let location = try registryLocation()
        return try await context.registries.store(at: location) {
            try await RegistryOpener(context: context, busyTimeout: busyTimeout).open(location)
        }
    }

    /// Seconds to wait for another process holding the registry: `KEYCTL_BUSY_TIMEOUT`, else 5.
    ///
    /// Throws a usage error (exit 64) unless the variable is plain decimal seconds (`0.5`, `30`)
    /// from 0 to `SQLiteKeyRegistry.maximumBusyTimeout`: no sign, exponent, `inf` or `nan`.
    var busyTimeout: TimeInterval {
        get throws {
            guard let text = context.environment["KEYCTL_BUSY_TIMEOUT"] else { return 5 }
            guard let seconds = ArgumentParsing.seconds(text, in: 0...SQLiteKeyRegistry.maximumBusyTimeout) else {
                throw CommandFailure(
                    .usage,
                    "invalid KEYCTL_BUSY_TIMEOUT '\(text)': give seconds from 0 to \(Int(SQLiteKeyRegistry.maximumBusyTimeout)), such as 5 or 0.5")
            }
            return seconds
        }
    }

    /// The configuration, or the defaults when no config file exists.
    func loadConfiguration() throws -> KeyctlConfiguration {
        guard let path = ConfigLocation.resolve(
            explicit: config, environment: context.environment, currentDirectory: context.currentDirectory)
        else { return KeyctlConfiguration() }
        return try KeyctlConfiguration.load(path: path)
    }

    /// `--actor`, else `KEYCTL_ACTOR`, else the login user.
    var resolvedActor: String {
        if let actor, !actor.isEmpty { return actor }
        let environment = context.environment
        for variable in ["KEYCTL_ACTOR", "LOGNAME", "USER"] {
            if let value = environment[variable], !value.isEmpty { return value }
        }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid:\(geteuid())"
    }
}

/// `--format`: table on a terminal, JSON otherwise.
struct FormatOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table or json (default: table on a terminal, json otherwise).")
    var format: OutputFormat?

    func resolved() -> OutputFormat {
        format ?? (CommandContext.current.outputIsTerminal ? .table : .json)
    }

    func validate() throws {
        if format == .prometheus { throw ValidationError("--format prometheus is only for `keyctl report`") }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, prometheus
}
