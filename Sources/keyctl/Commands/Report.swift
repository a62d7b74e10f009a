import ArgumentParser
import Foundation
import KeyStore

struct Report: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Flag keys that are overdue, due for rotation soon, or compromised.",
        discussion: """
            Exit 0 when nothing is flagged, 1 when only due keys are (warning), 2 when a key is overdue, \
            compromised, failed its last verify or was readable by someone offboarded since (critical). Age counts from the last rotation, else creation.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only keys in this environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @Option(name: .customLong("as-of"), help: ArgumentHelp("Report as of this date instead of now (ISO 8601).", valueName: "date"), transform: ArgumentParsing.date)
    var asOf: Date?
    @Option(help: "Output format: table, json or prometheus (default: table on a terminal, json otherwise).")
    var format: OutputFormat?
    @Flag(help: "Print nothing when nothing is flagged (for cron mail).") var quiet = false

    func run() async throws {
        let context = CommandContext.current
        let policies = try global.loadConfiguration().policies
        let registry = try await global.openRegistry()
        let asOf = self.asOf ?? context.clock.now()
        let format = self.format ?? (context.outputIsTerminal ? .table : .json)
        var renderer: any ReportRenderer = switch format {
        case .json: JSONReportRenderer(sink: context.standardOutput, asOf: asOf)
        case .table: TableReportRenderer(sink: context.standardOutput, asOf: asOf)
        case .prometheus: try PrometheusReportRenderer(asOf: asOf)
        }
        var summary = ReportSummary()
        try await registry.forEachReportCandidate(
            env: env, policies: policies, asOf: asOf, includeUnflagged: format == .prometheus
        ) { record in
            let assessment = KeyAssessment(key: record, policies: policies, asOf: asOf)
            summary.count(assessment.flags)
            try renderer.add(record, assessment)
        }
        if !(quiet && summary.isEmpty) {
            try renderer.finish(summary, to: context.standardOutput)
        }
        switch summary.severity {
        case .ok: return
        case .warning: throw ExitCode(ExitStatus.failure)
        case .critical: throw ExitCode(ExitStatus.critical)
        }
    }
}
