import Foundation
import ArgumentParser
import KeyStore

struct Show: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one key with its versions and recent events.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName
    @Option(help: "How many recent events to show.") var events = 20
    @OptionGroup var format: FormatOptions

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
    }

    func run() async throws {
        let context = CommandContext.current
        let policies = try global.loadConfiguration().policies
        let detail = try await global.openRegistry().keyDetail(name: name, env: env, recentEvents: events)
        let printer = KeyRecordPrinter(format: format.resolved(), policies: policies, asOf: context.clock.now())
        let assessment = KeyAssessment(key: detail.key, policies: policies, asOf: context.clock.now())
        switch format.resolved() {
        case .json, .prometheus:
            var writer = JSONWriter(sink: context.standardOutput)
            writer.beginObject()
            writer.key("key")
            writer.keyRecord(detail.key, assessment)
            writer.key("versions")
            writer.beginArray()
            for version in detail.versions { writer.keyVersion(version) }
            writer.endArray()
            writer.key("recent_events")
            writer.beginArray()
            for event in detail.recentEvents { writer.auditEvent(event) }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var text = "\(detail.key.name) (\(detail.key.env))\n" + printer.details(detail.key, assessment)
            var versions = TextTable("VERSION", "STAGE", "FINGERPRINT", "HINT", "CREATED")
            for version in detail.versions {
                versions.add([
                    String(version.id.prefix(8)), version.stage.rawValue, version.fingerprint.rawValue, version.hint,
                    Timestamp.format(version.createdAt),
                ])
            }
            text += versions.isEmpty ? "\nno versions: inventory only\n" : "\n" + versions.render()
            var events = TextTable("SEQ", "AT", "ACTOR", "ACTION", "DETAILS")
            for event in detail.recentEvents {
                events.add([String(event.seq), Timestamp.format(event.at), event.actor, event.action, event.details])
            }
            text += events.isEmpty ? "" : "\n" + events.render()
            context.standardOutput.write(text)
        }
    }
}

extension JSONWriter {
    mutating func keyVersion(_ version: KeyVersion) {
        beginObject()
        key("id"); string(version.id)
        key("stage"); string(version.stage.rawValue)
        key("fingerprint"); string(version.fingerprint.rawValue)
        key("hint"); string(version.hint)
        key("issuer_ref"); string(version.issuerRef)
        key("created_at"); timestamp(epochSeconds: Timestamp.epochSeconds(version.createdAt))
        key("revoked_at"); timestamp(epochSeconds: version.revokedAt.map(Timestamp.epochSeconds))
        endObject()
    }

    mutating func auditEvent(_ event: AuditEvent) {
        beginObject()
        key("seq"); integer(event.seq)
        key("id"); string(event.id)
        key("at"); timestamp(epochSeconds: Timestamp.epochSeconds(event.at))
        key("actor"); string(event.actor)
        key("action"); string(event.action)
        key("key"); string(event.keyName)
        key("env"); string(event.keyEnv)
        key("details"); embedded(json: event.details)
        key("hash"); string(event.hash)
        endObject()
    }
}
