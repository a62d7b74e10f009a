import Foundation
import ArgumentParser
import KeyStore

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "List the audit log, verify it, or sign a checkpoint of it.",
        subcommands: [AuditList.self, AuditVerify.self, AuditWriteCheckpoint.self, AuditPublicKey.self],
        defaultSubcommand: AuditList.self)
}

struct AuditList: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit events, oldest first.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Only events at or after this date (ISO 8601).", valueName: "date"), transform: ArgumentParsing.date)
    var since: Date?
    @Option(help: "Only events about this key (with --env).", transform: ArgumentParsing.keyName) var key: KeyName?
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @OptionGroup var format: FormatOptions

    func validate() throws {
        if (key == nil) != (env == nil) { throw ValidationError("--key and --env go together") }
    }

    func run() async throws {
        let context = CommandContext.current
        let registry = try await global.openRegistry()
        let filter = AuditFilter(since: since, key: key.flatMap { name in env.map { (name, $0) } })
        switch format.resolved() {
        case .json, .prometheus:
            var writer = JSONWriter(sink: context.standardOutput)
            writer.beginObject()
            writer.key("events")
            writer.beginArray()
            try await registry.forEachAuditEvent(matching: filter) { writer.auditEvent($0) }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var table = StreamingTable("SEQ", "AT", "ACTOR", "ACTION", "KEY", "DETAILS", to: context.standardOutput)
            try await registry.forEachAuditEvent(matching: filter) { event in
                let key = event.keyName.map { "\($0) (\(event.keyEnv ?? "-"))" } ?? "-"
                table.add([String(event.seq), Timestamp.format(event.at), event.actor, event.action, key, event.details])
            }
            if table.isEmpty {
                context.standardOutput.write("no events\n")
            } else {
                table.finish()
            }
        }
    }
}

struct AuditVerify: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit chain and its signed checkpoints (exit 2 when an event was edited, deleted or reordered).",
        discussion: "Without a checkpoint file (KEYCTL_AUDIT_CHECKPOINTS or --checkpoints), only the registry's own chain is checked: removing the newest events, or all of them, cannot be detected.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Checkpoint file to verify against (default: $KEYCTL_AUDIT_CHECKPOINTS).", valueName: "path"))
    var checkpoints: String?
    @Option(name: .customLong("public-key"), help: ArgumentHelp("Public key file to verify with (default: $KEYCTL_AUDIT_PUBLIC_KEY_FILE, else the signing key's).", valueName: "path"))
    var publicKey: String?

    func run() async throws {
        let context = CommandContext.current
        let out = context.standardOutput
        let registry = try await global.openRegistry()
        var tampered = false
        switch try await registry.verifyAuditChain() {
        case .intact(let events, let headHash):
            out.line("audit chain intact: \(events) events, head \(headHash)")
        case .broken(let seq, let eventID, let reason):
            out.line("audit chain broken at event \(seq) (\(eventID)): \(reason)")
            tampered = true
        }
        let settings = AuditAnchorSettings(environment: context.environment, checkpointFile: checkpoints, publicKeyFile: publicKey)
        guard let anchor = AuditAnchor(settings) else {
            out.line("no checkpoint file configured (KEYCTL_AUDIT_CHECKPOINTS or --checkpoints): only the registry's internal chain was checked; deleting the newest events, or all of them, cannot be detected")
            if tampered { throw ExitCode(ExitStatus.critical) }
            return
        }
        let key = try AuditVerificationKey.resolve(
            publicKeyFile: settings.publicKeyFile, environment: context.environment, signingKeyFile: settings.signingKeyFile)
        let source = "checkpoints \(anchor.path) (key \(key.keyID))"
        switch try await anchor.verify(against: registry, key: key) {
        case .consistent(let count, let latest, let unanchored):
            guard let latest else {
                out.line("\(source): no checkpoint yet, and no events")
                break
            }
            let pending = unanchored == 0 ? "" : "; the \(unanchored) newer events are not checkpointed yet"
            out.line("\(source): \(count) checkpoints verified, the latest records \(latest.head.events) events at \(Timestamp.format(latest.at))\(pending)")
        case .tampered(let reason):
            out.line("audit log does not match \(source): \(reason)")
            tampered = true
        }
        if tampered { throw ExitCode(ExitStatus.critical) }
    }
}

struct AuditWriteCheckpoint: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Sign a checkpoint of the audit chain's head, append it to the checkpoint file and print it.",
        discussion: "keyctl already writes one after every command that records events; run this from cron to ship the printed line to a SIEM.")

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Checkpoint file (default: $KEYCTL_AUDIT_CHECKPOINTS).", valueName: "path"))
    var checkpoints: String?

    func run() async throws {
        let context = CommandContext.current
        let settings = AuditAnchorSettings(environment: context.environment, checkpointFile: checkpoints)
        guard let anchor = AuditAnchor(settings) else {
            throw CommandFailure(.usage, "no checkpoint file: set KEYCTL_AUDIT_CHECKPOINTS or pass --checkpoints PATH")
        }
        let registry = try await global.openRegistry()
        guard let key = try AuditSigningKey.load(environment: context.environment, keyFile: settings.signingKeyFile, create: true),
              let checkpoint = try await anchor.checkpoint(of: registry, key: key, at: context.clock.now(), onlyIfChanged: false)
        else { return }
        context.standardOutput.line(checkpoint.line)
    }
}

struct AuditPublicKey: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "public-key",
        abstract: "Print the public key that verifies audit checkpoints (for `audit verify --public-key` elsewhere).")

    func run() async throws {
        let context = CommandContext.current
        let settings = AuditAnchorSettings(environment: context.environment)
        guard let key = try AuditSigningKey.load(environment: context.environment, keyFile: settings.signingKeyFile, create: true) else { return }
        context.standardOutput.line(key.verificationKey.base64)
        context.standardError.line("key id \(key.verificationKey.keyID)")
    }
}
