/// A detect-secrets baseline (`detect-secrets scan > .secrets.baseline`).
///
/// `results` maps each file to its findings: `type` (the plugin), `hashed_secret` (the unsalted
/// SHA-1 hex of the secret, required), `line_number` and `is_verified`. The secret itself is not in
/// the file, so a finding matches only a version whose SHA-1 keyctl recorded. Files are read in
/// name order.
enum DetectSecretsBaseline {
    struct Baseline: Decodable {
        var results: [String: [Finding]]
    }

    struct Finding: Decodable {
        var type: String?
        var filename: String?
        var hashedSecret: String
        var lineNumber: Int?
        var isVerified: Bool?

        enum CodingKeys: String, CodingKey {
            case type, filename, hashedSecret = "hashed_secret", lineNumber = "line_number", isVerified = "is_verified"
        }
    }

    static func leaks(in bytes: some Collection<UInt8>, file: String) throws(ScannerReportError) -> [ReportedLeak] {
        let baseline = try ReportDecoder(file: file).decode(Baseline.self, from: bytes)
        var leaks: [ReportedLeak] = []
        for (path, findings) in baseline.results.sorted(by: { $0.key < $1.key }) {
            for (index, finding) in findings.enumerated() {
                let place = "results[\(TerminalSafe.name(path))][\(index)]"
                guard finding.hashedSecret.utf8.count == 40, finding.hashedSecret.utf8.allSatisfy(\.isHexDigit) else {
                    throw ScannerReportError(file: file, place: place + ": hashed_secret", problem: "expected 40 hex digits (a SHA-1)")
                }
                let location = try ReportLocation.make(
                    path: finding.filename.flatMap(ReportLocation.nonEmpty) ?? path, line: finding.lineNumber, commit: nil, author: nil,
                    date: nil, file: file, place: place)
                leaks.append(ReportedLeak(
                    finding: LeakFinding(
                        evidence: .sha1(finding.hashedSecret.lowercased()), rule: ReportLocation.rule(finding.type, default: "detect-secrets"),
                        location: location),
                    verified: finding.isVerified))
            }
        }
        return leaks
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (48...57).contains(self) || (65...70).contains(self) || (97...102).contains(self)
    }
}
