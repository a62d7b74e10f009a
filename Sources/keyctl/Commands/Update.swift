import Foundation
import ArgumentParser
import KeyStore

struct Update: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "update", abstract: "Change a key's scopes, owner, description, labels or rotation period.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @OptionGroup var fields: KeyFieldOptions
    @Option(name: .customLong("remove-label"), help: ArgumentHelp("Remove a label (repeatable).", valueName: "key"))
    var removeLabel: [String] = []
    @Flag(name: .customLong("clear-max-age"), help: "Drop the key's own rotation period; the policy applies again.")
    var clearMaxAge = false
    @OptionGroup var format: FormatOptions

    func validate() throws {
        if clearMaxAge && fields.maxAge != nil { throw ValidationError("give --max-age or --clear-max-age, not both") }
        if changes.isEmpty { throw ValidationError("nothing to update: give at least one field to change") }
    }

    private var changes: KeyChanges {
        KeyChanges(
            scopes: fields.scopes, owner: fields.owner, description: fields.description, setLabels: fields.labels,
            removeLabels: removeLabel, maxAge: fields.maxAge, clearMaxAge: clearMaxAge, rotatedAt: fields.rotated)
    }

    func run() async throws {
        let context = CommandContext.current
        let configuration = try global.loadConfiguration()
        let record = try await global.openRegistry().updateKey(name: name, env: env, changes: changes, actor: global.resolvedActor)
        KeyRecordPrinter(format: format.resolved(), policies: configuration.policies, asOf: context.clock.now())
            .printOne(record, verb: "updated")
    }
}
