import ArgumentParser
import Foundation
import KeyStore

struct Import: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import keys in bulk from a CSV or JSON inventory file (no secrets): all or nothing.",
        discussion: "Columns (CSV) or fields (JSON): name, env, scopes, owner, description, created, rotated, max-age.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The CSV or JSON file.") var file: String

    func run() async throws {
        // Streams the file into one transaction: a bad row rolls back every row before it.
        var reader = try ImportReader(path: file)
        let registry = try await global.openRegistry()
        let count = try await registry.importKeys(source: (file as NSString).lastPathComponent, actor: global.resolvedActor) {
            try reader.next()
        }
        CommandContext.current.standardOutput.line("imported \(count) keys from \(file)")
    }
}
