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
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure(.badInput, "cannot read \(file): check that it exists and is readable")
        }
        let entries = try ImportFile.parse(data, fileName: file)
        let registry = try global.openRegistry()
        let count = try await registry.importKeys(entries, source: (file as NSString).lastPathComponent, actor: global.resolvedActor)
        CommandContext.current.standardOutput.line("imported \(count) keys from \(file)")
    }
}
