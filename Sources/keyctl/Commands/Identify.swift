import Foundation
import ArgumentParser
import KeyStore

struct Identify: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "identify",
        abstract: "Tell which registered key a secret is (read from standard input), or whose keys a scanner's report found.",
        discussion: """
            A secret: exit 0 with the key when it matches, 1 when no registered key has this secret.
            keyctl identify --findings gitleaks.json [--mark-compromised --reason TEXT]
              reads a gitleaks JSON or SARIF report, TruffleHog JSON lines or a detect-secrets baseline:
              exit 2 when a live version (pending, current, previous) of a registered key was found,
              1 when there are findings but none is live, 0 when the report has no findings.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var secret: SecretOptions
    @Option(help: ArgumentHelp("A scanner's report to match against the registry (gitleaks, TruffleHog, detect-secrets).", valueName: "file"))
    var findings: String?
    @Flag(help: "With --findings: mark each key a finding exposes (a live version) compromised, one audit event per key.")
    var markCompromised = false
    @Option(help: "With --mark-compromised: why, recorded with each finding's rule and location.") var reason: String?
    @OptionGroup var format: FormatOptions

    func validate() throws {
        if findings != nil && secret.isGiven { throw ValidationError("give --findings FILE or a secret, not both") }
        if markCompromised && findings == nil { throw ValidationError("--mark-compromised needs --findings FILE") }
        if markCompromised && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--mark-compromised needs --reason TEXT (recorded in the audit log)")
        }
        if reason != nil && !markCompromised { throw ValidationError("--reason is only used with --mark-compromised") }
    }

    func run() async throws {
        if let findings {
            try await IdentifyFindings(global: global, file: findings, reason: markCompromised ? reason : nil, format: format.resolved()).run()
            return
        }
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
