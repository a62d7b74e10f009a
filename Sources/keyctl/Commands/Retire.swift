import Foundation
import ArgumentParser
import KeyStore

struct Retire: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Mark a key retired: kept for the record, left out of reports.",
        discussion: "Retiring does not revoke the credential at its provider; do that first.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @OptionGroup var format: FormatOptions

    func run() async throws {
        let context = CommandContext.current
        let configuration = try global.loadConfiguration()
        let record = try await global.openRegistry().retireKey(name: name, env: env, actor: global.resolvedActor)
        KeyRecordPrinter(format: format.resolved(), policies: configuration.policies, asOf: context.clock.now())
            .printOne(record, verb: "retired")
    }
}
