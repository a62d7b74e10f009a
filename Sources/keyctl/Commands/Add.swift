import ArgumentParser
import Foundation
import KeyStore

struct Add: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Register an existing key; without a secret it is inventory only.",
        discussion: "The secret is read from --secret-stdin, --secret-env VAR or --secret-file PATH, never from an argument. Only its fingerprint and a masked hint are stored.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment, such as prod.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @OptionGroup var fields: KeyFieldOptions
    @Option(help: ArgumentHelp("When the key was created (ISO 8601; default: now).", valueName: "date"), transform: ArgumentParsing.date)
    var created: Date?
    @OptionGroup var secret: SecretOptions
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard fields.scopes != nil else { throw ValidationError("missing --scopes: every key needs at least one scope") }
        if let created, let rotated = fields.rotated, rotated < created {
            throw ValidationError("--rotated is before --created")
        }
    }

    func run() async throws {
        let context = CommandContext.current
        let configuration = try global.loadConfiguration()
        let secretValue = try secret.read()
        let registry = try global.openRegistry()
        let draft = KeyDraft(
            name: name, env: env, scopes: fields.scopes!, owner: fields.owner, description: fields.description,
            labels: fields.labels, createdAt: created, rotatedAt: fields.rotated, maxAge: fields.maxAge)
        let record = try await registry.addKey(draft, secret: secretValue, actor: global.resolvedActor)
        KeyRecordPrinter(format: format.resolved(), policies: configuration.policies, asOf: context.clock.now())
            .printOne(record, verb: "added")
    }
}
