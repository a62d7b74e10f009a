import KeyStore

/// Tells, for findings from a scan or a scanner's report, whose keys they are, and marks the
/// exposed keys compromised.
public struct LeakTriage: Sendable {
    let registry: any KeyRegistry

    public init(registry: any KeyRegistry) {
        self.registry = registry
    }

    /// Looks every finding up in the registry, each distinct secret once, in the given order.
    /// A `.sha1` finding matches only versions whose SHA-1 was recorded (registered since schema 5);
    /// one that is not 40 hex digits is unknown.
    public func match(_ findings: [LeakFinding]) async throws -> [LeakMatch] {
        var known: [Fingerprint: LeakVerdict] = [:]
        var knownSHA1: [SecretSHA1: LeakVerdict] = [:]
        var matches: [LeakMatch] = []
        matches.reserveCapacity(findings.count)
        for finding in findings {
            let verdict: LeakVerdict
            switch finding.evidence {
            case .secret(let secret):
                let fingerprint = secret.fingerprint
                if let seen = known[fingerprint] {
                    verdict = seen
                } else {
                    verdict = try await registry.identify(fingerprint).map(LeakVerdict.registered) ?? .unknown
                    known[fingerprint] = verdict
                }
            case .sha1(let hex):
                if let digest = SecretSHA1(hex: hex) {
                    if let seen = knownSHA1[digest] {
                        verdict = seen
                    } else {
                        verdict = try await registry.identify(sha1: digest).map(LeakVerdict.registered) ?? .unknown
                        knownSHA1[digest] = verdict
                    }
                } else {
                    verdict = .unknown
                }
            }
            matches.append(LeakMatch(finding: finding, verdict: verdict))
        }
        return matches
    }

    /// Marks compromised each key that a critical match exposes, once per key (one audit event
    /// each), with `reason` followed by the first finding's rule and location. Returns the keys
    /// marked, in the order of their first finding.
    public func markCompromised(_ matches: [LeakMatch], reason: String, actor: String) async throws -> [IdentifiedSecret] {
        var marked: [IdentifiedSecret] = []
        var seenKeys: Set<String> = []  // env/name
        for match in matches {
            guard case .registered(let found) = match.verdict, match.verdict.severity == .critical,
                  seenKeys.insert("\(found.key.env)/\(found.key.name)").inserted
            else { continue }
            let because = "\(reason) (\(match.finding.rule) at \(match.finding.location.description))"
            marked.append(try await registry.markCompromised(fingerprint: found.version.fingerprint, reason: because, actor: actor))
        }
        return marked
    }
}
