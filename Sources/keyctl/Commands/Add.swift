import ArgumentParser
import Foundation
import KeyStore

struct Add: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register an existing key; without a secret it is inventory only.",
        discussion: "The secret is read from --secret-stdin, --secret-env VAR or --secret-file PATH, never from an argument. Only its fingerprint and a masked hint are stored.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment, such as prod.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @OptionGroup var fields: KeyFieldOptions
    @Option(help: ArgumentHelp("When the key was created (ISO 8601; default: now).", valueName: "date"), transform: ArgumentParsing.date)
    var created: Date?
    @Option(help: ArgumentHelp("The issuer's id for the secret, such as an AWS access key id, so that rotation can delete it there.", valueName: "id"))
    var issuerRef: String?
    @OptionGroup var secret: SecretOptions
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard fields.scopes != nil else { throw ValidationError("missing --scopes: every key needs at least one scope") }
        if issuerRef != nil, !secret.isGiven { throw ValidationError("--issuer-ref names the issuer's id of a secret: give the secret too") }
        if let created, let rotated = fields.rotated, rotated < created {
            throw ValidationError("--rotated is before --created")
        }
    }

    func run() async throws {
        let context = CommandContext.current
        let configuration = try global.loadConfiguration()
        let secretValue = try secret.read()
        let registry = try await global.openRegistry()
        let draft = KeyDraft(
            name: name, env: env, scopes: fields.scopes!, owner: fields.owner, description: fields.description,
            labels: fields.labels, createdAt: created, rotatedAt: fields.rotated, maxAge: fields.maxAge, issuerRef: issuerRef)
        let record = try await registry.addKey(draft, secret: secretValue, actor: global.resolvedActor)
        KeyRecordPrinter(format: format.resolved(), policies: configuration.policies, asOf: context.clock.now())
            .printOne(record, verb: "added")
    }
}
