import Foundation
import ArgumentParser
import KeyStore

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the audit log, or verify its hash chain.",
        subcommands: [AuditList.self, AuditVerify.self],
        defaultSubcommand: AuditList.self)
}

struct AuditList: AsyncParsableCommand {
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
        let registry = try global.openRegistry()
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
            var table = TextTable("SEQ", "AT", "ACTOR", "ACTION", "KEY", "DETAILS")
            try await registry.forEachAuditEvent(matching: filter) { event in
                let key = event.keyName.map { "\($0) (\(event.keyEnv ?? "-"))" } ?? "-"
                table.add([String(event.seq), Timestamp.format(event.at), event.actor, event.action, key, event.details])
            }
            context.standardOutput.write(table.isEmpty ? "no events\n" : table.render())
        }
    }
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no audit event was edited, deleted or reordered (exit 2 when one was).",
        discussion: "Record the head hash it prints somewhere else: removing the newest events cannot be detected from inside the registry.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext.current
        switch try await global.openRegistry().verifyAuditChain() {
        case .intact(let events, let headHash):
            context.standardOutput.line("audit chain intact: \(events) events, head \(headHash)")
        case .broken(let seq, let eventID, let reason):
            context.standardOutput.line("audit chain broken at event \(seq) (\(eventID)): \(reason)")
            throw ExitCode(ExitStatus.critical)
        }
    }
}
