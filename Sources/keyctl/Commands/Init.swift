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
        let path = try global.registryLocation()
        let (registry, preparation) = try await RegistryOpener(context: context, busyTimeout: global.busyTimeout).create(path)
        await registry.close()
        switch preparation {
        case .created: context.standardOutput.line("created the registry at \(path)")
        case .migrated(let applied): context.standardOutput.line("migrated the registry at \(path): applied \(applied.joined(separator: ", "))")
        case .upToDate: context.standardOutput.line("the registry at \(path) is up to date")
        }
    }
}
