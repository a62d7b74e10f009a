import Foundation
import ArgumentParser
import KeyStore

struct Init: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the registry, or migrate it to this keyctl's schema (safe to run again).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext.current
        let prepared = try await RegistryOpener(context: context, busyTimeout: global.busyTimeout).create(global.registryLocation())
        await prepared.store.close()
        let registry = prepared.displayName
        switch prepared.outcome {
        case .created: context.standardOutput.line("created the registry at \(registry)")
        case .migrated(let applied): context.standardOutput.line("migrated the registry at \(registry): applied \(applied.joined(separator: ", "))")
        case .upToDate: context.standardOutput.line("the registry at \(registry) is up to date")
        }
    }
}
