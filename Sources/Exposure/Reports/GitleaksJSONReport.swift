import KeyStore

/// `gitleaks detect --report-format json`: a JSON array of findings.
///
/// Each finding's `Secret` is the plaintext secret (required, and not `REDACTED`), `File` where it
/// was seen (required); `StartLine`, `Commit`, `Author`, `Email`, `Date` and `RuleID` are read when
/// present. gitleaks' own `Fingerprint` names a location (`commit:file:rule:line`), not a hash of
/// the secret, so it is not used. Other fields are ignored.
enum GitleaksJSONReport {
    struct Finding: Decodable {
        var secret: String
        var file: String
        var startLine: Int?
        var commit: String?
        var author: String?
        var email: String?
        var date: String?
        var ruleID: String?

        enum CodingKeys: String, CodingKey {
            case secret = "Secret", file = "File", startLine = "StartLine", commit = "Commit", author = "Author", email = "Email", date = "Date"
            case ruleID = "RuleID"
        }
    }

    static func leaks(in bytes: some Collection<UInt8>, file: String) throws(ScannerReportError) -> [ReportedLeak] {
        let findings = try ReportDecoder(file: file).decode([Finding].self, from: bytes, recordNoun: "finding")
        var leaks: [ReportedLeak] = []
        leaks.reserveCapacity(findings.count)
        for (index, finding) in findings.enumerated() {
            let place = "finding \(index + 1)"
            let secret = try PlaintextSecret.make(finding.secret, file: file, place: place + ": Secret")
            let location = try ReportLocation.make(
                path: finding.file, line: finding.startLine, commit: finding.commit,
                author: ReportLocation.author(name: finding.author, email: finding.email), date: finding.date, file: file, place: place)
            leaks.append(ReportedLeak(finding: LeakFinding(evidence: .secret(secret), rule: ReportLocation.rule(finding.ruleID, default: "gitleaks"), location: location)))
        }
        return leaks
    }
}
