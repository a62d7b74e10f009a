/// The findings of a secret scanner's report, in the report's order.
///
/// The format is told from the content: a file whose first non-blank line is a JSON object naming
/// `Raw`, `DetectorName`, `DetectorType` or `SourceMetadata` is TruffleHog JSON lines; otherwise the
/// file is one JSON document: an array is a gitleaks JSON report, an object with `runs` SARIF, an
/// object with `results` a detect-secrets baseline. An empty file is a TruffleHog report without
/// findings (TruffleHog writes nothing when it finds nothing).
public struct ScannerReport: Sendable {
    /// Reports larger than this (64 MiB) are refused: far above what a scan of a large monorepo
    /// writes, and small enough to hold in memory.
    public static let maximumBytes = 64 << 20

    public let format: ScannerReportFormat
    public let leaks: [ReportedLeak]

    /// The findings, for `LeakTriage`.
    public var findings: [LeakFinding] { leaks.map(\.finding) }

    init(format: ScannerReportFormat, leaks: [ReportedLeak]) {
        self.format = format
        self.leaks = leaks
    }

    /// Parses a report held in memory; `file` names it in errors. Pure (it reads nothing), so it is
    /// also the entry point for fuzzing. Throws `ScannerReportError` naming the file and, where it
    /// can, the line or finding.
    public init(parsing bytes: [UInt8], file: String) throws(ScannerReportError) {
        guard bytes.count <= Self.maximumBytes else { throw Self.tooLarge(file) }
        let text = bytes.starts(with: Self.byteOrderMark) ? bytes[3...] : bytes[...]
        if Self.isTruffleHog(firstLine: Self.firstNonBlankLine(of: text)) {
            var report = TruffleHogReport(file: file)
            var number = 0
            for line in text.split(separator: 0x0a, omittingEmptySubsequences: false) {
                number += 1
                try report.add(line: line, number: number)
            }
            self.init(format: .truffleHog, leaks: report.leaks)
        } else {
            try self.init(document: text, file: file)
        }
    }

    /// Parses a gitleaks JSON, SARIF or detect-secrets document.
    init(document bytes: some Collection<UInt8>, file: String) throws(ScannerReportError) {
        switch bytes.first(where: { !TruffleHogReport.isBlank($0) }) {
        case nil:
            self.init(format: .truffleHog, leaks: [])
        case UInt8(ascii: "[")?:
            self.init(format: .gitleaksJSON, leaks: try GitleaksJSONReport.leaks(in: bytes, file: file))
        case UInt8(ascii: "{")?:
            let probe = try ReportDecoder(file: file).decode(DocumentProbe.self, from: bytes)
            if probe.runs != nil {
                self.init(format: .gitleaksSARIF, leaks: try GitleaksSARIFReport.leaks(in: bytes, file: file))
            } else if probe.results != nil {
                self.init(format: .detectSecrets, leaks: try DetectSecretsBaseline.leaks(in: bytes, file: file))
            } else {
                throw Self.unknownFormat(file)
            }
        default:
            throw Self.unknownFormat(file)
        }
    }

    static let byteOrderMark: [UInt8] = [0xef, 0xbb, 0xbf]

    /// Whether `line` is a JSON object with one of TruffleHog's keys.
    static func isTruffleHog(firstLine line: ArraySlice<UInt8>?) -> Bool {
        guard let line, line.first(where: { !TruffleHogReport.isBlank($0) }) == UInt8(ascii: "{"),
              let probe = try? ReportDecoder(file: "").decode([String: Ignored].self, from: line)
        else { return false }
        return !TruffleHogReport.markerKeys.isDisjoint(with: probe.keys)
    }

    /// The first line holding anything but blanks, without its line end; nil when there is none.
    static func firstNonBlankLine(of bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var start = bytes.startIndex
        while start < bytes.endIndex {
            let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.endIndex
            let line = bytes[start..<end]
            if line.contains(where: { !TruffleHogReport.isBlank($0) }) { return line }
            start = end < bytes.endIndex ? end + 1 : end
        }
        return nil
    }

    static func tooLarge(_ file: String) -> ScannerReportError {
        ScannerReportError(file: file, problem: "the report is larger than \(maximumBytes >> 20) MiB; split it or filter it first")
    }

    static func unknownFormat(_ file: String) -> ScannerReportError {
        ScannerReportError(
            file: file,
            problem: "not a scanner report keyctl reads: expected gitleaks JSON or SARIF, TruffleHog JSON lines, or a detect-secrets baseline")
    }

    /// The top-level keys that tell the JSON document formats apart.
    private struct DocumentProbe: Decodable {
        var runs: Ignored?
        var results: Ignored?
    }

    /// Any JSON value, skipped.
    struct Ignored: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
