import Foundation
import KeyStore

/// Renders `report` as keys stream past, in memory that does not grow with the registry;
/// `finish` writes whatever is still held. Nothing is written before `finish` while no key is
/// flagged, so that `--quiet` can skip `finish` and print nothing.
protocol ReportRenderer {
    /// Called for every candidate key; a renderer shows only flagged keys unless it needs all.
    mutating func add(_ record: KeyRecord, _ assessment: KeyAssessment) throws
    mutating func finish(_ summary: ReportSummary, to sink: any OutputSink) throws
}

/// `{"as_of": ..., "keys": [...], "summary": {...}}`, streamed: large reports are flushed as they grow.
struct JSONReportRenderer: ReportRenderer {
    private var writer: JSONWriter

    init(sink: any OutputSink, asOf: Date) {
        writer = JSONWriter(sink: sink)
        writer.beginObject()
        writer.key("as_of")
        writer.timestamp(epochSeconds: Timestamp.epochSeconds(asOf))
        writer.key("keys")
        writer.beginArray()
    }

    mutating func add(_ record: KeyRecord, _ assessment: KeyAssessment) {
        guard !assessment.flags.isEmpty else { return }
        writer.keyRecord(record, assessment, flags: assessment.flags)
    }

    mutating func finish(_ summary: ReportSummary, to sink: any OutputSink) {
        writer.endArray()
        writer.key("summary")
        writer.beginObject()
        for flag in ReportFlag.allCases {
            writer.key(dynamic: flag.rawValue)
            writer.integer(Int64(summary[flag]))
        }
        writer.endObject()
        writer.endObject()
        writer.newline()
        writer.flush()
    }
}

/// A table of flagged keys and a summary line, for terminals and cron mail; column widths as
/// `StreamingTable` sets them.
struct TableReportRenderer: ReportRenderer {
    private let asOf: Date
    private var table: StreamingTable

    init(sink: any OutputSink, asOf: Date) {
        self.asOf = asOf
        table = StreamingTable("NAME", "ENV", "FLAGS", "AGE", "MAX AGE", "DUE", "OWNER", to: sink)
    }

    mutating func add(_ record: KeyRecord, _ assessment: KeyAssessment) {
        guard !assessment.flags.isEmpty else { return }
        table.add([
            record.name.rawValue, record.env.rawValue, assessment.flags.map(\.rawValue).joined(separator: ","),
            "\(assessment.ageDays)d", Formatting.days(assessment.maxAge.seconds),
            String(Timestamp.format(epochSeconds: assessment.dueAtEpochSeconds).prefix(10)), Formatting.optional(record.owner),
        ])
    }

    mutating func finish(_ summary: ReportSummary, to sink: any OutputSink) {
        let date = Timestamp.format(asOf)
        guard !table.isEmpty else {
            sink.line("keyctl report as of \(date): nothing flagged")
            return
        }
        table.finish()
        sink.line("\nas of \(date): " + ReportFlag.allCases.map { "\(summary[$0]) \($0.rawValue)" }.joined(separator: ", "))
    }
}

/// The node_exporter textfile format: one gauge family per metric, every non-retired key.
struct PrometheusReportRenderer: ReportRenderer {
    private static let families: [(name: String, help: String)] = [
        ("keyctl_key_age_seconds", "Seconds since the key was last rotated, or created."),
        ("keyctl_key_max_age_seconds", "The key's rotation period in seconds."),
        ("keyctl_key_due_timestamp_seconds", "When the key must be rotated, as a Unix time."),
        ("keyctl_key_overdue", "1 when the key's age has reached its rotation period."),
        ("keyctl_key_due", "1 when the key is within the warning window of its rotation period."),
        ("keyctl_key_compromised", "1 when the key is marked compromised."),
        ("keyctl_key_verify_failed", "1 when the key's last verification failed."),
        ("keyctl_key_offboarding", "1 when someone who could read the key was offboarded after its last rotation."),
    ]
    private let asOf: Date
    /// Each family's samples, spilled to disk as keys stream past (see `SpillFile`).
    private let samples: [SpillFile]

    init(asOf: Date) throws {
        self.asOf = asOf
        samples = try Self.families.map { _ in try SpillFile() }
    }

    func add(_ record: KeyRecord, _ assessment: KeyAssessment) throws {
        let labels = "{name=\"\(record.name)\",env=\"\(record.env)\"} "
        let values: [Int64] = [
            assessment.ageSeconds, assessment.maxAge.seconds, assessment.dueAtEpochSeconds,
            assessment.flags.contains(.overdue) ? 1 : 0, assessment.flags.contains(.due) ? 1 : 0,
            assessment.flags.contains(.compromised) ? 1 : 0, assessment.flags.contains(.verifyFailed) ? 1 : 0,
            assessment.flags.contains(.offboarding) ? 1 : 0,
        ]
        for (index, value) in values.enumerated() {
            try samples[index].append("\(Self.families[index].name)\(labels)\(value)\n")
        }
    }

    func finish(_ summary: ReportSummary, to sink: any OutputSink) throws {
        for (index, family) in Self.families.enumerated() {
            sink.write("# HELP \(family.name) \(family.help)\n# TYPE \(family.name) gauge\n")
            try samples[index].copy(to: sink)
        }
        var text = "# HELP keyctl_report_flagged_keys Keys flagged by the report, by flag.\n# TYPE keyctl_report_flagged_keys gauge\n"
        for flag in ReportFlag.allCases {
            text += "keyctl_report_flagged_keys{flag=\"\(flag.rawValue)\"} \(summary[flag])\n"
        }
        text += "# HELP keyctl_report_timestamp_seconds When the report was computed for, as a Unix time.\n"
        text += "# TYPE keyctl_report_timestamp_seconds gauge\nkeyctl_report_timestamp_seconds \(Timestamp.epochSeconds(asOf))\n"
        sink.write(text)
    }
}
