import Foundation
import KeyStore

/// Prints key records as a table or JSON, measured against the rotation policy as of one instant.
struct KeyRecordPrinter {
    let format: OutputFormat
    let policies: PolicyTable
    let asOf: Date
    private var output: any OutputSink { CommandContext.current.standardOutput }

    init(format: OutputFormat, policies: PolicyTable, asOf: Date) {
        self.format = format
        self.policies = policies
        self.asOf = asOf
    }

    /// One record after a change: `verb` says what happened (`added`, `retired`).
    func printOne(_ record: KeyRecord, verb: String) {
        let assessment = KeyAssessment(key: record, policies: policies, asOf: asOf)
        switch format {
        case .json, .prometheus:
            var writer = JSONWriter(sink: output)
            writer.keyRecord(record, assessment)
            writer.newline()
            writer.flush()
        case .table:
            output.line("\(verb) \(record.name) (\(record.env))")
            output.write(details(record, assessment))
        }
    }

    /// The fields of one record, a line each, for terminals; stored text is escaped (`TerminalText`).
    func details(_ record: KeyRecord, _ assessment: KeyAssessment) -> String {
        var lines: [(String, String)] = [
            ("scopes", record.scopes.description),
            ("status", record.status.rawValue + (record.compromiseReason.map { " (\($0))" } ?? "")),
            ("owner", Formatting.optional(record.owner)),
            ("description", Formatting.optional(record.description)),
            ("created", Timestamp.format(record.createdAt)),
            ("rotated", record.rotatedAt.map(Timestamp.format) ?? "never"),
            ("age", "\(assessment.ageDays)d of \(Formatting.days(assessment.maxAge.seconds))"),
            ("due", Timestamp.format(epochSeconds: assessment.dueAtEpochSeconds)),
            ("fingerprint", record.fingerprint?.rawValue ?? "- (inventory only)"),
            ("hint", Formatting.optional(record.hint)),
        ]
        if !record.labels.isEmpty {
            lines.append(("labels", record.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))
        }
        if !assessment.flags.isEmpty { lines.append(("flags", assessment.flags.map(\.rawValue).joined(separator: ","))) }
        return lines.map { "  " + $0.0.padding(toLength: 12, withPad: " ", startingAt: 0) + TerminalText.escaped($0.1) + "\n" }.joined()
    }
}
