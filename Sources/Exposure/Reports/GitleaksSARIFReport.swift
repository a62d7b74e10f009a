import KeyStore

/// `gitleaks detect --report-format sarif`: SARIF 2.1.0, one run, a result per finding.
///
/// A result's secret is `locations[0].physicalLocation.region.snippet.text` (gitleaks writes the
/// plaintext secret there); its place `artifactLocation.uri` and `region.startLine`; its rule
/// `ruleId`; for history, `partialFingerprints` `commitSha`, `author`, `email` and `date`.
/// A SARIF file written by `keyctl scan` is refused: its snippets are masked.
enum GitleaksSARIFReport {
    struct Log: Decodable {
        var version: String?
        var runs: [Run]
    }

    struct Run: Decodable {
        var tool: Tool?
        var results: [Result]?
    }

    struct Tool: Decodable {
        var driver: Driver?
        struct Driver: Decodable { var name: String? }
    }

    struct Result: Decodable {
        var ruleId: String?
        var locations: [Location]?
        var partialFingerprints: Fingerprints?
    }

    struct Location: Decodable {
        var physicalLocation: Physical?
    }

    struct Physical: Decodable {
        var artifactLocation: Artifact?
        var region: Region?
        struct Artifact: Decodable { var uri: String? }
    }

    struct Region: Decodable {
        var startLine: Int?
        var snippet: Snippet?
        struct Snippet: Decodable { var text: String? }
    }

    struct Fingerprints: Decodable {
        var commitSha: String?
        var author: String?
        var email: String?
        var date: String?
    }

    static func leaks(in bytes: some Collection<UInt8>, file: String) throws(ScannerReportError) -> [ReportedLeak] {
        let log = try ReportDecoder(file: file).decode(Log.self, from: bytes)
        if let version = log.version, version != "2.1.0" {
            throw ScannerReportError(file: file, place: "version", problem: "SARIF \(TerminalSafe.name(version)) is not supported; keyctl reads SARIF 2.1.0")
        }
        var leaks: [ReportedLeak] = []
        for (runIndex, run) in log.runs.enumerated() {
            if run.tool?.driver?.name?.lowercased() == "keyctl" {
                throw ScannerReportError(
                    file: file, place: "runs[\(runIndex)]",
                    problem: "this SARIF was written by keyctl scan, whose snippets are masked; identify reads the scanner's own report")
            }
            for (index, result) in (run.results ?? []).enumerated() {
                let place = "runs[\(runIndex)].results[\(index)]"
                guard let physical = result.locations?.first?.physicalLocation else {
                    throw ScannerReportError(file: file, place: place, problem: "no locations[0].physicalLocation")
                }
                guard let text = physical.region?.snippet?.text else {
                    throw ScannerReportError(
                        file: file, place: place, problem: "no region.snippet.text (the secret, as gitleaks writes it)")
                }
                let secret = try PlaintextSecret.make(text, file: file, place: place + ": snippet")
                let fingerprints = result.partialFingerprints
                let location = try ReportLocation.make(
                    path: physical.artifactLocation?.uri ?? "", line: physical.region?.startLine, commit: fingerprints?.commitSha,
                    author: ReportLocation.author(name: fingerprints?.author, email: fingerprints?.email), date: fingerprints?.date,
                    file: file, place: place)
                leaks.append(ReportedLeak(finding: LeakFinding(evidence: .secret(secret), rule: ReportLocation.rule(result.ruleId, default: "gitleaks"), location: location)))
            }
        }
        return leaks
    }
}
