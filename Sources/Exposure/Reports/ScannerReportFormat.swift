/// The scanner report formats keyctl reads, told apart by their content, never their file name.
public enum ScannerReportFormat: String, Sendable, CaseIterable {
    /// `gitleaks --report-format json`: an array of findings with `Secret`, `File`, `StartLine`, `Commit`.
    case gitleaksJSON = "gitleaks-json"
    /// `gitleaks --report-format sarif`: SARIF 2.1.0 with the secret in each result's snippet.
    case gitleaksSARIF = "gitleaks-sarif"
    /// `trufflehog --json`: one JSON object a line with `Raw`, `DetectorName` and `SourceMetadata`.
    case truffleHog = "trufflehog-jsonl"
    /// A detect-secrets baseline: `results` by file, each with `hashed_secret` (the secret's SHA-1).
    case detectSecrets = "detect-secrets"

    /// Whether reports in this format hold the secrets themselves (all but detect-secrets baselines).
    public var holdsPlaintextSecrets: Bool { self != .detectSecrets }
}
