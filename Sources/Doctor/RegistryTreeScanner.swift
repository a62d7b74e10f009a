import Exposure
import KeyStore

/// The `keyctl scan` engine behind the doctor's tree-leaks check: the files under the root and,
/// with `history`, the lines ever added in its git history, each finding looked up in the registry.
public struct RegistryTreeScanner: TreeLeakScanner {
    let detectors: ScanDetectors
    let registry: any KeyRegistry
    /// The environment git runs with.
    let environment: [String: String]

    public init(detectors: ScanDetectors, registry: any KeyRegistry, environment: [String: String]) {
        self.detectors = detectors
        self.registry = registry
        self.environment = environment
    }

    public func scan(root: String, history: Bool) async throws -> [LeakMatch] {
        var scan = SecretScan(paths: [root], detectors: detectors)
        scan.environment = environment
        var hits = try await scan.collect().hits
        if history {
            scan.git = true
            hits += try await scan.collect().hits
        }
        return try await SecretScan.triage(hits, registry: registry).map(\.match)
    }
}
