import Foundation
import KeyStore

/// `keyctl scan`: finds key-like strings in files or in a repository's history and asks the
/// registry about each (through `LeakTriage`).
public struct SecretScan: Sendable {
    public var paths: [String]
    /// Scan the history of the repository at each path instead of its files.
    public var git = false
    /// With `git`: every ref (`git log --all`), not just HEAD.
    public var allBranches = false
    public var detectors: ScanDetectors
    /// What relative paths are relative to (the process's current directory when nil).
    public var currentDirectory: String?
    /// The environment git runs with.
    public var environment = ProcessInfo.processInfo.environment

    public init(paths: [String], detectors: ScanDetectors) {
        self.paths = paths
        self.detectors = detectors
    }

    /// Everything found, deduplicated (one finding per secret and location) and sorted by path,
    /// line and commit, with what was covered and skipped. Throws a bad-input `ScanError` for a
    /// path that does not exist or (with `git`) is not in a repository.
    public func collect() async throws(ScanError) -> (hits: [ScanHit], summary: ScanSummary) {
        let scan = self
        let outcome: Result<(hits: [ScanHit], summary: ScanSummary), ScanError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(ScanError) in try scan.collectBlocking() })
            }
        }
        return try outcome.get()
    }

    private func collectBlocking() throws(ScanError) -> (hits: [ScanHit], summary: ScanSummary) {
        var hits: [ScanHit] = []
        var summary = ScanSummary()
        if git {
            let histories = paths.map { GitHistory(repository: opened($0), allBranches: allBranches, environment: environment) }
            for history in histories { try history.check() }
            let scanner = FragmentScanner(detectors)
            for history in histories {
                summary.commits += try history.read { added in
                    summary.bytes += added.text.count
                    let fragment = ScanFragment(
                        path: added.path, commit: added.commit, author: added.author, date: added.date, lineNumbers: added.lineNumbers)
                    added.text.withUnsafeBufferPointer { scanner.scan($0, fragment, into: &hits) }
                }
            }
            summary.ruleTimeouts = scanner.ruleTimeouts
        } else {
            let tree = try FileTree(roots: paths.map { (opened($0), $0) })
            (hits, summary) = FileTreeScan(detectors: detectors).scan(tree)
        }
        return (Self.deduplicated(hits), summary)
    }

    private func opened(_ path: String) -> String {
        guard let currentDirectory, !path.hasPrefix("/") else { return path }
        return (currentDirectory as NSString).appendingPathComponent(path)
    }

    /// Asks the registry about each hit (each distinct secret once). Returns the leaks most urgent
    /// first, then by location; a hit a gitleaks allowlist accepts is left out unless it is a live
    /// registered key.
    public static func triage(_ hits: [ScanHit], registry: any KeyRegistry) async throws -> [ScannedLeak] {
        let matches = try await LeakTriage(registry: registry).match(hits.map(\.finding))
        var leaks = zip(hits, matches).compactMap { hit, match in
            hit.allowlisted && match.verdict.severity != .critical ? nil : ScannedLeak(match: match, masked: hit.masked)
        }
        leaks.sort { $0.verdict.severity < $1.verdict.severity }
        return leaks
    }

    private static func deduplicated(_ hits: [ScanHit]) -> [ScanHit] {
        var seen: Set<String> = []
        let unique = hits.filter { hit in
            guard case .secret(let secret) = hit.finding.evidence else { return true }
            let location = hit.finding.location
            return seen.insert("\(secret.fingerprint)|\(location.path)|\(location.line ?? 0)|\(location.commit ?? "")").inserted
        }
        return unique.sorted { left, right in
            let (a, b) = (left.finding.location, right.finding.location)
            if a.path != b.path { return a.path < b.path }
            if a.line != b.line { return (a.line ?? 0) < (b.line ?? 0) }
            return (a.commit ?? "") < (b.commit ?? "")
        }
    }
}
