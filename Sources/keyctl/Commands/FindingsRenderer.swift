import Foundation
import Exposure
import KeyStore

/// Renders `identify --findings`: a table and what to do per key, or one JSON document.
/// Never a secret: the secret shows only as its masked hint, a match by its version's fingerprint.
struct FindingsRenderer {
    let file: String
    let format: ScannerReportFormat
    let findings: [IdentifiedFinding]
    let marked: [IdentifiedSecret]

    func table() -> String {
        guard !findings.isEmpty else { return "no findings in \(TerminalText.escaped(file)) (\(format.rawValue))\n" }
        var table = TextTable("SEVERITY", "KEY", "ENV", "VERSION", "STATUS", "TARGETS", "WHERE", "RULE", "SECRET")
        for finding in findings {
            let found = finding.found
            table.add([
                finding.match.verdict.severity.rawValue, found?.key.name.rawValue ?? "-", found?.key.env.rawValue ?? "-",
                found?.version.stage.rawValue ?? "-", finding.keyStatus?.rawValue ?? "-",
                finding.targets.isEmpty ? "-" : finding.targets.map { "\($0.name) (\($0.kind))" }.joined(separator: ", "),
                finding.match.finding.location.description, finding.match.finding.rule + (finding.leak.verified == true ? " (verified)" : ""),
                finding.hint,
            ])
        }
        var text = table.render() + "\n"
        var seen: Set<String> = []
        for finding in findings.sorted(by: { $0.match.verdict.severity < $1.match.verdict.severity }) {
            guard let found = finding.found, seen.insert("\(found.key.env)/\(found.key.name)").inserted else { continue }
            text += TerminalText.escaped("\(found.key.name) (\(found.key.env)), \(found.version.stage.rawValue) version \(found.version.fingerprint): \(finding.recommendation)") + "\n"
        }
        let unknown = findings.count { $0.found == nil }
        if unknown > 0 {
            text += "\(unknown) finding\(unknown == 1 ? "" : "s") not in the inventory: if yours, revoke at the issuer and register the replacement (keyctl add)\n"
        }
        for found in marked {
            text += TerminalText.escaped("marked compromised: \(found.key.name) (\(found.key.env))") + "\n"
        }
        let counts = LeakSeverity.allCases.map { severity in "\(findings.count { $0.match.verdict.severity == severity }) \(severity.rawValue)" }
        text += "\(findings.count) finding\(findings.count == 1 ? "" : "s") in \(TerminalText.escaped(file)) (\(format.rawValue)): \(counts.joined(separator: ", "))\n"
        return text
    }

    func json(to sink: any OutputSink) {
        var writer = JSONWriter(sink: sink)
        writer.beginObject()
        writer.key("report"); writer.beginObject()
        writer.key("file"); writer.string(file)
        writer.key("format"); writer.string(format.rawValue)
        writer.endObject()
        writer.key("findings"); writer.beginArray()
        for finding in findings { write(finding, &writer) }
        writer.endArray()
        writer.markedCompromised(marked)
        writer.key("summary"); writer.beginObject()
        for severity in LeakSeverity.allCases {
            writer.key(dynamic: severity.rawValue); writer.integer(Int64(findings.count { $0.match.verdict.severity == severity }))
        }
        writer.endObject()
        writer.endObject()
        writer.newline()
        writer.flush()
    }

    private func write(_ finding: IdentifiedFinding, _ writer: inout JSONWriter) {
        let location = finding.match.finding.location
        writer.beginObject()
        writer.key("severity"); writer.string(finding.match.verdict.severity.rawValue)
        writer.key("rule"); writer.string(finding.match.finding.rule)
        writer.key("verified"); writer.bool(finding.leak.verified)
        writer.key("secret_hint"); writer.string(finding.hint)
        writer.key("location"); writer.beginObject()
        writer.key("path"); writer.string(location.path)
        writer.key("line"); writer.integer(location.line.map(Int64.init))
        writer.key("commit"); writer.string(location.commit)
        writer.key("author"); writer.string(location.author)
        writer.key("date"); writer.timestamp(epochSeconds: location.date.map { Int64($0.timeIntervalSince1970) })
        writer.endObject()
        if let found = finding.found {
            writer.key("key"); writer.beginObject()
            writer.key("name"); writer.string(found.key.name.rawValue)
            writer.key("env"); writer.string(found.key.env.rawValue)
            writer.key("status"); writer.string(finding.keyStatus?.rawValue)
            writer.key("owner"); writer.string(found.key.owner)
            writer.endObject()
            writer.key("version"); writer.beginObject()
            writer.key("stage"); writer.string(found.version.stage.rawValue)
            writer.key("fingerprint"); writer.string(found.version.fingerprint.rawValue)
            writer.endObject()
            writer.key("targets"); writer.beginArray()
            for target in finding.targets {
                writer.beginObject()
                writer.key("name"); writer.string(target.name)
                writer.key("kind"); writer.string(target.kind)
                writer.endObject()
            }
            writer.endArray()
        } else {
            writer.key("key"); writer.string(nil)
        }
        writer.key("recommendation"); writer.string(finding.recommendation)
        writer.endObject()
    }
}
