import Exposure
import Foundation
import KeyStore

/// What `keyctl scan` prints: the findings (masked), what was covered and skipped, and the keys
/// marked compromised.
struct ScanReport {
    let leaks: [ScannedLeak]
    let summary: ScanSummary
    let suppressed: Int
    let marked: [IdentifiedSecret]

    private func count(_ severity: LeakSeverity) -> Int { leaks.filter { $0.verdict.severity == severity }.count }

    /// `scanned 120 files (3.4 MB); skipped: 1 binary; 2 findings: 1 critical, 1 unknown`.
    var summaryLine: String {
        var parts: [String] = []
        let megabytes = String(format: "%.1f MB", Double(summary.bytes) / 1_000_000)
        parts.append(summary.commits > 0 || summary.files == 0 && summary.bytes > 0
            ? "scanned \(summary.commits) commits (\(megabytes) added)" : "scanned \(summary.files) files (\(megabytes))")
        let skipped = summary.skipped
        if !skipped.isEmpty { parts.append("skipped: " + skipped.map { "\($0.1) \($0.0)" }.joined(separator: ", ")) }
        let severities = LeakSeverity.allCases.map { ($0, count($0)) }.filter { $0.1 > 0 }
        parts.append("\(leaks.count) finding\(leaks.count == 1 ? "" : "s")" + (severities.isEmpty ? "" : ": " + severities.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ")))
        if suppressed > 0 { parts.append("\(suppressed) suppressed by the baseline") }
        if !marked.isEmpty { parts.append("\(marked.count) key\(marked.count == 1 ? "" : "s") marked compromised") }
        return parts.joined(separator: "; ")
    }

    func table(to sink: any OutputSink) {
        for leak in leaks {
            let location = leak.finding.location
            var line = "\(leak.verdict.severity.rawValue.uppercased())  \(TerminalText.escaped(location.description))  \(leak.finding.rule)  \(TerminalText.escaped(leak.masked))  \(leak.verdictText)"
            if let author = location.author { line += "  by \(TerminalText.escaped(author))" }
            if let date = location.date { line += " on \(Timestamp.format(date))" }
            sink.line(line)
        }
        for found in marked { sink.line("marked compromised: \(found.key.name) (\(found.key.env))") }
        sink.line(summaryLine)
    }

    func json(to sink: any OutputSink) {
        var writer = JSONWriter(sink: sink)
        writer.beginObject()
        writer.key("findings")
        writer.beginArray()
        for leak in leaks {
            let location = leak.finding.location
            writer.beginObject()
            writer.key("severity"); writer.string(leak.verdict.severity.rawValue)
            writer.key("rule"); writer.string(leak.finding.rule)
            writer.key("masked"); writer.string(leak.masked)
            writer.key("fingerprint"); writer.string(leak.fingerprint?.rawValue)
            writer.key("path"); writer.string(location.path)
            writer.key("line"); writer.integer(location.line.map(Int64.init))
            writer.key("commit"); writer.string(location.commit)
            writer.key("author"); writer.string(location.author)
            writer.key("date"); writer.timestamp(epochSeconds: location.date.map(Timestamp.epochSeconds))
            writer.key("key")
            if case .registered(let found) = leak.verdict {
                writer.beginObject()
                writer.key("name"); writer.string(found.key.name.rawValue)
                writer.key("env"); writer.string(found.key.env.rawValue)
                writer.key("status"); writer.string(found.key.status.rawValue)
                writer.key("version_stage"); writer.string(found.version.stage.rawValue)
                writer.key("version_id"); writer.string(found.version.id)
                writer.endObject()
            } else {
                writer.string(nil)
            }
            writer.key("verdict"); writer.string(leak.verdictText)
            writer.endObject()
        }
        writer.endArray()
        writer.markedCompromised(marked)
        writer.key("summary")
        writer.beginObject()
        writer.key("files"); writer.integer(Int64(summary.files))
        writer.key("commits"); writer.integer(Int64(summary.commits))
        writer.key("bytes"); writer.integer(Int64(summary.bytes))
        writer.key("skipped")
        writer.beginObject()
        writer.key("binary"); writer.integer(Int64(summary.binary))
        writer.key("too_large"); writer.integer(Int64(summary.tooLarge))
        writer.key("unreadable"); writer.integer(Int64(summary.unreadable))
        writer.key("broken_symlinks"); writer.integer(Int64(summary.brokenSymlinks))
        writer.key("directory_symlinks"); writer.integer(Int64(summary.directorySymlinks))
        writer.key("special"); writer.integer(Int64(summary.special))
        writer.key("rule_timeouts"); writer.integer(Int64(summary.ruleTimeouts))
        writer.endObject()
        for severity in LeakSeverity.allCases {
            writer.key(dynamic: severity.rawValue); writer.integer(Int64(count(severity)))
        }
        writer.key("suppressed"); writer.integer(Int64(suppressed))
        writer.endObject()
        writer.endObject()
        writer.newline()
        writer.flush()
    }
}
