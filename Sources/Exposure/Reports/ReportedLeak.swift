/// One finding of a scanner's report, with what the scanner said about it beyond the finding itself.
public struct ReportedLeak: Sendable {
    public var finding: LeakFinding
    /// Whether the scanner checked that the secret works (TruffleHog `Verified`, detect-secrets
    /// `is_verified`); nil when the format does not say.
    public var verified: Bool?

    public init(finding: LeakFinding, verified: Bool? = nil) {
        self.finding = finding
        self.verified = verified
    }
}
