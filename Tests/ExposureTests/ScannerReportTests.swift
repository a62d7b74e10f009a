import Foundation
import Testing
import KeyStore
import KeyctlTestSupport
@testable import Exposure

struct ScannerReportTests {
    private func parse(_ text: String, file: String = "report") throws(ScannerReportError) -> ScannerReport {
        try ScannerReport(parsing: Array(text.utf8), file: file)
    }

    private func secretText(_ leak: ReportedLeak) -> String? {
        if case .secret(let secret) = leak.finding.evidence { return secret.revealText() }
        return nil
    }

    @Test func gitleaksJSONGivesEachSecretWithItsRuleFileLineAndCommit() throws {
        let report = try parse(ReportFixtures.gitleaksJSON, file: "findings.sarif")  // the name does not decide the format
        #expect(report.format == .gitleaksJSON)
        #expect(report.leaks.map(secretText) == [ReportFixtures.stripeSecret, ReportFixtures.githubSecret])
        let first = report.leaks[0].finding
        #expect(first.rule == "stripe-access-token")
        #expect(first.location.path == "config/app.env" && first.location.line == 3)
        #expect(first.location.commit == "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678")
        #expect(first.location.author == "Dana Dev <dana@example.com>")
        #expect(first.location.date == Timestamp.parse("2026-10-01T09:30:00Z"))
        let second = report.leaks[1].finding.location
        #expect(second.commit == nil && second.author == nil && second.date == nil && second.line == 7)
    }

    @Test func gitleaksSARIFGivesTheSnippetAsTheSecret() throws {
        let report = try parse(ReportFixtures.gitleaksSARIF, file: "gitleaks.json")
        #expect(report.format == .gitleaksSARIF)
        #expect(report.leaks.map(secretText) == [ReportFixtures.stripeSecret])
        let finding = report.leaks[0].finding
        #expect(finding.rule == "stripe-access-token")
        #expect(finding.location == LeakLocation(
            path: "config/app.env", line: 3, commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", author: "Dana Dev <dana@example.com>",
            date: Timestamp.parse("2026-10-01T09:30:00Z")))
    }

    @Test func truffleHogLinesGiveRawOrRawV2WithGitOrFilesystemPlaces() throws {
        let report = try parse(ReportFixtures.truffleHog)
        #expect(report.format == .truffleHog)
        #expect(report.leaks.map(secretText) == [ReportFixtures.stripeSecret, ReportFixtures.githubSecret])
        #expect(report.leaks.map(\.verified) == [true, false])
        #expect(report.leaks.map(\.finding.rule) == ["Stripe", "Github"])
        let git = report.leaks[0].finding.location
        #expect(git.path == "config/app.env" && git.line == 3 && git.author == "Dana Dev <dana@example.com>")
        #expect(git.date == Timestamp.parse("2026-10-01T09:30:00Z"))
        #expect(report.leaks[1].finding.location == LeakLocation(path: "ci.yml", line: 7))
    }

    @Test func detectSecretsBaselinesGiveTheLowercasedSHA1InFileOrder() throws {
        let report = try parse(ReportFixtures.detectSecrets(hashedSecret: "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"))
        #expect(report.format == .detectSecrets)
        #expect(!report.format.holdsPlaintextSecrets)
        let digests = report.leaks.map { leak -> String? in
            if case .sha1(let hex) = leak.finding.evidence { return hex }
            return nil
        }
        #expect(digests == ["df58248c414f342c81e056b40bee12d17a08bf61", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"])
        #expect(report.leaks.map(\.finding.location) == [LeakLocation(path: "README.md", line: 4), LeakLocation(path: "src/settings.py", line: 12)])
        #expect(report.leaks.map(\.finding.rule) == ["Base64 High Entropy String", "Secret Keyword"])
    }

    @Test(arguments: ["", "\n \n", "[]", #"{"version":"2.1.0","runs":[]}"#, #"{"version":"1.5.0","results":{}}"#])
    func reportsWithoutFindingsParseEmpty(text: String) throws {
        #expect(try parse(text).leaks.isEmpty)
    }

    /// Broken and hostile reports: each is refused naming the file and where, never quoting a secret.
    @Test(arguments: [
        ("not json at all", nil, "not a scanner report"),
        ("[{\"Secret\": \"sk_live_x\", \"File\": \"a\"", nil, "not valid JSON"),
        (#"[{"Secret": "sk_live_secretvalue", "File": "a", "StartLine": "3"}]"#, "finding 1: StartLine", "expected a whole number"),
        (#"[{"Secret": "sk_live_secretvalue", "File": "a"}, {"File": "b"}]"#, "finding 2: Secret", "is missing"),
        (#"[{"Secret": 12, "File": "a"}]"#, "finding 1: Secret", "expected a string"),
        (#"[{"Secret": "REDACTED", "File": "a"}]"#, "finding 1: Secret", "redacted"),
        (#"[{"Secret": "", "File": "a"}]"#, "finding 1: Secret", "empty"),
        (#"[{"Secret": "sk_live_secretvalue", "File": ""}]"#, "finding 1", "file path is empty"),
        (#"[{"Secret": "sk_live_secretvalue", "File": "a", "StartLine": -2}]"#, "finding 1", "negative"),
        (#"{"version": "2.0.0", "runs": []}"#, "version", "SARIF 2.0.0"),
        (#"{"runs": [{"results": [{"locations": [{"physicalLocation": {"artifactLocation": {"uri": "a"}}}]}]}]}"#, "runs[0].results[0]", "snippet"),
        (#"{"runs": [{"results": [{"locations": []}]}]}"#, "runs[0].results[0]", "physicalLocation"),
        (#"{"runs": [{"tool": {"driver": {"name": "keyctl"}}, "results": []}]}"#, "runs[0]", "keyctl scan"),
        (#"{"runs": {"results": []}}"#, "runs", "expected an array"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"sk_live_secretvalue\"}\n{\"Raw\": \"sk_live_secretvalue\", ", "line 2", "not valid JSON"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"sk_live_secretvalue\"}\n[1]\n", "line 2", "expected an object"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"sk_live_secretvalue\", \"SourceMetadata\": {\"Data\": {\"Git\": {\"line\": \"x\"}}}}", "line 1: SourceMetadata.Data.Git.line", "expected a whole number"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"\"}", "line 1: Raw", "empty"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"sk_live_secretvalue\"}\n{\"other\": 1}", "line 2", "not a TruffleHog finding"),
        (#"{"results": {"a.py": [{"hashed_secret": "sk_live_secretvalue"}]}}"#, "results[a.py][0]: hashed_secret", "40 hex digits"),
        (#"{"results": {"a.py": [{"line_number": 3}]}}"#, "results.a.py[0].hashed_secret", "is missing"),
        (#"{"results": ["sk_live_secretvalue"]}"#, "results", "expected an object"),
        (#"{"something": "else"}"#, nil, "not a scanner report"),
        (String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), nil, "nested more than 64 levels"),
    ] as [(String, String?, String)])
    func malformedReportsAreRefusedSayingWhere(text: String, place: String?, problem: String) {
        #expect {
            _ = try parse(text, file: "leaks.json")
        } throws: { error in
            guard let error = error as? ScannerReportError else { return false }
            return error.file == "leaks.json" && error.place == place && error.problem.contains(problem)
                && !error.description.contains("sk_live_secretvalue") && !error.description.contains("\n")
        }
    }

    @Test func aTruffleHogReportIsReadFromTheFileAcrossChunksWithItsLineNumbers() throws {
        let folder = TemporaryFolder()
        let line = #"{"DetectorName":"Stripe","Raw":"sk_live_streamed_0123456789abcdef","SourceMetadata":{"Data":{"Filesystem":{"file":"f","line":1}}}}"#
        let count = 12_000  // about 1.5 MiB: more than one chunk
        let path = folder.file("th.jsonl")
        try Data((String(repeating: line + "\n", count: count)).utf8).write(to: URL(fileURLWithPath: path))
        let report = try ScannerReport.read(path: path, file: "th.jsonl")
        #expect(report.format == .truffleHog && report.leaks.count == count)

        try Data((String(repeating: line + "\n", count: count) + "{\"Raw\": 1}\n").utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ScannerReportError(file: "th.jsonl", place: "line \(count + 1): Raw", problem: "expected a string")) {
            try ScannerReport.read(path: path, file: "th.jsonl")
        }
    }

    @Test func documentReportsAreReadFromTheFile() throws {
        let folder = TemporaryFolder()
        let path = folder.file("report")
        try Data(([0xef, 0xbb, 0xbf] + Array(ReportFixtures.gitleaksSARIF.utf8))).write(to: URL(fileURLWithPath: path))
        let report = try ScannerReport.read(path: path, file: "report")
        #expect(report.format == .gitleaksSARIF && report.leaks.count == 1)
    }

    @Test func hugeMissingAndSpecialFilesAreRefused() throws {
        let folder = TemporaryFolder()
        let huge = folder.file("huge.json")
        FileManager.default.createFile(atPath: huge, contents: Data("[".utf8))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: UInt64(ScannerReport.maximumBytes) + 1)  // sparse: nothing is written
        try handle.close()
        #expect(throws: ScannerReportError(file: "huge.json", problem: "the report is larger than 64 MiB; split it or filter it first")) {
            try ScannerReport.read(path: huge, file: "huge.json")
        }
        #expect(throws: ScannerReportError(file: "dir", problem: "not a regular file")) {
            try ScannerReport.read(path: folder.path, file: "dir")
        }
        #expect(throws: ScannerReportError.self) { try ScannerReport.read(path: folder.file("missing"), file: "missing") }
    }
}
