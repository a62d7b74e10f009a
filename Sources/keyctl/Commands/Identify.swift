import Foundation
import ArgumentParser
import KeyStore

struct Identify: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Tell which registered key a secret is (the candidate is read from standard input).",
        discussion: "Exit 0 with the key when it matches, 1 when no registered key has this secret.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var secret: SecretOptions
    @OptionGroup var format: FormatOptions

    func run() async throws {
        let context = CommandContext.current
        let policies = try global.loadConfiguration().policies
        let candidate = try (secret.isGiven ? secret.read() : SecretOptions(secretStdin: true).read())!
        guard let found = try await global.openRegistry().identify(candidate.fingerprint) else {
            switch format.resolved() {
            case .json, .prometheus: context.standardOutput.line(#"{"match":false}"#)
            case .table: context.standardOutput.line("no registered key has this secret (\(candidate.fingerprint))")
            }
            throw ExitCode(ExitStatus.failure)
        }
        let assessment = KeyAssessment(key: found.key, policies: policies, asOf: context.clock.now())
        switch format.resolved() {
        case .json, .prometheus:
            var writer = JSONWriter(sink: context.standardOutput)
            writer.beginObject()
            writer.key("match"); writer.bool(true)
            writer.key("key"); writer.keyRecord(found.key, assessment)
            writer.key("version"); writer.keyVersion(found.version)
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            context.standardOutput.line(
                "\(found.key.name) (\(found.key.env)): \(found.version.stage.rawValue) version, key \(found.key.status.rawValue)")
            context.standardOutput.write(KeyRecordPrinter(format: .table, policies: policies, asOf: context.clock.now()).details(found.key, assessment))
        }
    }
}

extension SecretOptions {
    init(secretStdin: Bool) {
        self.init()
        self.secretStdin = secretStdin
    }
}
