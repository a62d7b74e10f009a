import Foundation
import ArgumentParser
import KeyStore

struct Compromise: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "compromise",
        abstract: "Mark a key compromised, by name or by its leaked secret.",
        discussion: """
            keyctl compromise checkout --env prod --reason "pasted in a ticket"
            keyctl compromise --secret-stdin --reason "found in a public repo" < leaked.txt
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name (or give the leaked secret instead).", transform: ArgumentParsing.keyName) var name: KeyName?
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @Option(help: "Why the key is considered exposed (recorded in the audit log).") var reason: String
    @Flag(help: "Then rotate the key at once as an emergency (no grace): the exposed secret is deleted as soon as the new one is verified.")
    var rotate = false
    @OptionGroup var secret: SecretOptions
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must not be empty") }
        switch (name, env, secret.isGiven) {
        case (.some, .some, false), (nil, nil, true): return
        case (.some, nil, _): throw ValidationError("missing --env for key '\(name!)'")
        case (.some, .some, true), (nil, .some, true): throw ValidationError("give a key name with --env, or a leaked secret, not both")
        default: throw ValidationError("name the key (NAME --env ENV) or give the leaked secret (--secret-stdin)")
        }
    }

    func run() async throws {
        let context = CommandContext.current
        let policies = try global.loadConfiguration().policies
        let leaked = try secret.read()
        let registry = try await global.openRegistry()
        let printer = KeyRecordPrinter(format: format.resolved(), policies: policies, asOf: context.clock.now())
        let marked: KeyRecord
        if let leaked {
            let found = try await registry.markCompromised(fingerprint: leaked.fingerprint, reason: reason, actor: global.resolvedActor)
            printer.printOne(found.key, verb: "marked compromised (the secret is its \(found.version.stage.rawValue) version):")
            marked = found.key
        } else {
            marked = try await registry.markCompromised(name: name!, env: env!, reason: reason, actor: global.resolvedActor)
            printer.printOne(marked, verb: "marked compromised:")
        }
        guard rotate else { return }
        let errors = context.standardError
        let coordinator = try await global.rotationCoordinator { record, step in errors.line(RotationProgress.line(record, step)) }
        let rotated = try await coordinator.rotate(marked.name, marked.env, grace: nil, emergency: true)
        let code = ExitStatus.code(for: rotated)
        if code != ExitStatus.success { throw ExitCode(code) }
    }
}

