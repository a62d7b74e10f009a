import KeyStore

/// A finding of `keyctl scan` with the registry's verdict and its masked form.
public struct ScannedLeak: Sendable {
    public var match: LeakMatch
    public var masked: String

    public var finding: LeakFinding { match.finding }
    public var verdict: LeakVerdict { match.verdict }

    /// The secret's registry fingerprint (`sha256:…`), which is not secret.
    public var fingerprint: Fingerprint? {
        if case .secret(let secret) = finding.evidence { secret.fingerprint } else { nil }
    }

    /// One line saying whose key this is: `checkout (prod), current version: rotate now`.
    public var verdictText: String {
        switch verdict {
        case .registered(let found) where found.version.stage == .revoked:
            "registered key \(found.key.name) (\(found.key.env)), revoked version"
        case .registered(let found):
            "registered key \(found.key.name) (\(found.key.env)), \(found.version.stage.rawValue) version: rotate now"
        case .unknown:
            "not a registered key"
        }
    }
}
