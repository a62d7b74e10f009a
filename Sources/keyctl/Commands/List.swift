import Foundation
import ArgumentParser
import KeyStore

struct List: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List keys, ordered by environment and name.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only keys in this environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @Option(help: "Only keys with this status: active, compromised or retired.", transform: ArgumentParsing.status) var status: KeyStatus?
    @Option(help: "Only keys with this owner.") var owner: String?
    @OptionGroup var format: FormatOptions

    func run() async throws {
        let context = CommandContext.current
        let policies = try global.loadConfiguration().policies
        let registry = try await global.openRegistry()
        let asOf = context.clock.now()
        let filter = KeyFilter(env: env, status: status, owner: owner)
        switch format.resolved() {
        case .json, .prometheus:
            var writer = JSONWriter(sink: context.standardOutput)
            writer.beginObject()
            writer.key("keys")
            writer.beginArray()
            try await registry.forEachKey(matching: filter) { record in
                writer.keyRecord(record, KeyAssessment(key: record, policies: policies, asOf: asOf))
            }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var table = StreamingTable("NAME", "ENV", "STATUS", "SCOPES", "OWNER", "AGE", "DUE", "HINT", to: context.standardOutput)
            try await registry.forEachKey(matching: filter) { record in
                let assessment = KeyAssessment(key: record, policies: policies, asOf: asOf)
                table.add([
                    record.name.rawValue, record.env.rawValue, record.status.rawValue, record.scopes.description,
                    Formatting.optional(record.owner), "\(assessment.ageDays)d",
                    String(Timestamp.format(epochSeconds: assessment.dueAtEpochSeconds).prefix(10)), Formatting.optional(record.hint),
                ])
            }
            if table.isEmpty {
                context.standardOutput.line("no keys match")
            } else {
                table.finish()
            }
        }
    }
}
