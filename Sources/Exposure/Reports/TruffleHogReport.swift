import KeyStore

/// `trufflehog ... --json`: one JSON object a line, read line by line.
///
/// A line's secret is `Raw` (or `RawV2` when `Raw` is empty); its rule `DetectorName`; `Verified`
/// whether TruffleHog checked that it works; its place `SourceMetadata.Data.Git` (`file`, `line`,
/// `commit`, `email`, `timestamp`) or `.Filesystem` (`file`, `line`), else the source's name.
/// Blank lines are skipped.
struct TruffleHogReport {
    struct Line: Decodable {
        var raw: String?
        var rawV2: String?
        var detectorName: String?
        var verified: Bool?
        var sourceName: String?
        var sourceMetadata: Metadata?

        enum CodingKeys: String, CodingKey {
            case raw = "Raw", rawV2 = "RawV2", detectorName = "DetectorName", verified = "Verified", sourceName = "SourceName"
            case sourceMetadata = "SourceMetadata"
        }
    }

    struct Metadata: Decodable {
        var data: Sources?
        enum CodingKeys: String, CodingKey { case data = "Data" }
    }

    struct Sources: Decodable {
        var git: Source?
        var filesystem: Source?
        enum CodingKeys: String, CodingKey { case git = "Git", filesystem = "Filesystem" }
    }

    struct Source: Decodable {
        var file: String?
        var line: Int?
        var commit: String?
        var email: String?
        var timestamp: String?
    }

    /// The keys of which at least one marks a JSON object as a TruffleHog finding.
    static let markerKeys: Set<String> = ["DetectorName", "DetectorType", "SourceMetadata", "Raw"]

    let file: String
    private(set) var leaks: [ReportedLeak] = []

    init(file: String) {
        self.file = file
    }

    /// Reads one line of the report; `number` is its 1-based line number, for errors.
    mutating func add(line bytes: some Collection<UInt8>, number: Int) throws(ScannerReportError) {
        guard bytes.contains(where: { !Self.isBlank($0) }) else { return }
        let place = "line \(number)"
        let line = try ReportDecoder(file: file).decode(Line.self, from: bytes, line: number)
        guard line.detectorName != nil || line.sourceMetadata != nil || line.raw != nil else {
            throw ScannerReportError(file: file, place: place, problem: "not a TruffleHog finding (no Raw, DetectorName or SourceMetadata)")
        }
        let text = (line.raw?.isEmpty ?? true) ? (line.rawV2 ?? "") : line.raw!
        let secret = try PlaintextSecret.make(text, file: file, place: place + ": Raw")
        let source = line.sourceMetadata?.data?.git ?? line.sourceMetadata?.data?.filesystem
        let location = try ReportLocation.make(
            path: ReportLocation.nonEmpty(source?.file) ?? "(\(ReportLocation.rule(line.sourceName, default: "trufflehog")))",
            line: source?.line, commit: source?.commit, author: source?.email, date: source?.timestamp, file: file, place: place)
        leaks.append(ReportedLeak(
            finding: LeakFinding(evidence: .secret(secret), rule: ReportLocation.rule(line.detectorName, default: "trufflehog"), location: location),
            verified: line.verified))
    }

    static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0d || byte == 0x0a
    }
}
