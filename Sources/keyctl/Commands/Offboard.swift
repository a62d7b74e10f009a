import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig
import RotationCoordination

struct Offboard: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "offboard",
        abstract: "Someone left: revoke their access everywhere and flag (or rotate) every key they could read.",
        discussion: """
            keyctl offboard alice@example.com --reason "left the company"
            keyctl offboard alice@example.com --reason "left the company" --rotate --concurrency 4
            One transaction revokes the principal's grants and flags each key it could read \
            (a grant, a grant revoked since the key's last rotation, or `readers` in keyctl.toml) \
            `offboarding`, critical in `keyctl report` until the key is rotated. With --rotate the keys \
            are then rotated as a batch; the exit code is the worst rotation's, as for `rotate --overdue`. \
            Exit 1 when the principal could read no key (nothing is recorded).
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("Who left: alice@example.com, team:NAME or ci:NAME.", valueName: "principal"), transform: ArgumentParsing.principal)
    var principal: Principal
    @Option(help: "Why (recorded in the audit log).") var reason: String
    @Flag(help: "Then rotate every flagged key.") var rotate = false
    @Flag(help: "With --rotate: no grace, each old secret is deleted as soon as its new one is verified.") var emergency = false
    @Option(help: "With --rotate: how many rotations run at once (1 to 255).") var concurrency = 4
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must not be empty") }
        guard (1...RotationCoordinator.maximumConcurrency).contains(concurrency) else {
            throw ValidationError("--concurrency must be from 1 to \(RotationCoordinator.maximumConcurrency)")
        }
        if emergency && !rotate { throw ValidationError("--emergency goes with --rotate") }
    }

    func run() async throws {
        let context = CommandContext.current
        let format = format.resolved()
        let configuration = try global.loadConfiguration()
        // Built before anything is written, so that a usage mistake (KEYCTL_FAULT) records nothing.
        let coordinator = rotate ? try await global.rotationCoordinator { _, _ in } : nil
        let registry = try await global.openRegistry()
        let chosenAt = context.clock.now()
        let configured = try await configuration.keys(readableBy: principal, in: registry)
        let offboarding = try await registry.offboard(principal, reason: reason, configuredKeys: configured, actor: global.resolvedActor)
        print(offboarding, format: format, to: context.standardOutput)
        guard let coordinator, !offboarding.flagged.isEmpty else { return }
        // JSON on stdout stays one document: the batch's lines go to stderr then.
        let sink = format == .table ? context.standardOutput : context.standardError
        try await RotationTally.rotate(
            offboarding.flagged.map { ($0.key.name, $0.key.env) }, chosenAt: chosenAt, with: coordinator, concurrency: concurrency, emergency: emergency,
            sink: sink, live: format == .table && context.outputIsTerminal)
    }

    private func print(_ offboarding: Offboarding, format: OutputFormat, to sink: any OutputSink) {
        switch format {
        case .json, .prometheus:
            var writer = JSONWriter(sink: sink)
            writer.beginObject()
            writer.key("principal")
            writer.string(offboarding.principal.rawValue)
            writer.key("at")
            writer.timestamp(epochSeconds: Timestamp.epochSeconds(offboarding.at))
            writer.key("revoked")
            writer.beginArray()
            for grant in offboarding.revoked { writer.accessEntry(.granted(grant)) }
            writer.endArray()
            writer.key("keys")
            writer.beginArray()
            for flagged in offboarding.flagged {
                writer.beginObject()
                writer.key("name")
                writer.string(flagged.key.name.rawValue)
                writer.key("env")
                writer.string(flagged.key.env.rawValue)
                writer.key("source")
                writer.string(flagged.source.rawValue)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            sink.line("\(offboarding.principal) offboarded at \(Timestamp.format(offboarding.at)): \(offboarding.revoked.count) grant(s) revoked, \(offboarding.flagged.count) key(s) flagged offboarding")
            for flagged in offboarding.flagged { sink.line("  \(flagged.key) (via \(flagged.source.rawValue))") }
            if !rotate, !offboarding.flagged.isEmpty {
                sink.line("they may still know these secrets: rotate each (`keyctl rotate NAME --env ENV`); `keyctl report` flags them until then")
            }
        }
    }
}
