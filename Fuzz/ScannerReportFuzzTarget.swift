import Exposure

extension FuzzTarget {
    /// A scanner's report (`keyctl identify --findings`): `ScannerReport(parsing:file:)` either gives
    /// findings, each with a non-empty secret or a 40-digit lowercase hex SHA-1 and a non-empty path,
    /// or throws a `ScannerReportError` naming `report` on one line; a second parse agrees.
    static let scannerReport = FuzzTarget(name: "scanner-report") { bytes in
        let outcome = ScannerReportOutcome(bytes)
        switch outcome {
        case .parsed(_, let leaks):
            for leak in leaks {
                invariant(!leak.finding.location.path.isEmpty, "a finding without a path")
                if case .sha1(let hex) = leak.finding.evidence {
                    invariant(hex.utf8.count == 40 && hex == hex.lowercased(), "a SHA-1 that is not 40 lowercase hex digits")
                }
            }
        case .failed(let error):
            invariant(error.file == "report", "the error names \(error.file), not report")
            invariant(!error.description.contains(where: \.isNewline), "a multi-line error: \(error)")
        }
        invariant(ScannerReportOutcome(bytes) == outcome, "two parses of the same report disagree")
    }
}

/// What parsing one report gave: enough to compare two parses.
enum ScannerReportOutcome: Equatable {
    case parsed(ScannerReportFormat, [ReportedLeak])
    case failed(ScannerReportError)

    init(_ bytes: [UInt8]) {
        do {
            let report = try ScannerReport(parsing: bytes, file: "report")
            self = .parsed(report.format, report.leaks)
        } catch {
            self = .failed(error)
        }
    }

    static func == (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case let (.parsed(format, leaks), .parsed(otherFormat, otherLeaks)):
            format == otherFormat && leaks.map(\.finding.location) == otherLeaks.map(\.finding.location)
        case let (.failed(error), .failed(other)): error == other
        default: false
        }
    }
}
