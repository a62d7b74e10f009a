/// One key-like string seen somewhere: what was seen, by which rule, and where.
public struct LeakFinding: Sendable {
    public var evidence: LeakEvidence
    /// The rule or detector that matched (`github-pat`, a gitleaks rule id, a TruffleHog detector).
    public var rule: String
    public var location: LeakLocation

    public init(evidence: LeakEvidence, rule: String, location: LeakLocation) {
        self.evidence = evidence
        self.rule = rule
        self.location = location
    }
}
