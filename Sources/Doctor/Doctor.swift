import Exposure
import KeyStore
import KeyctlConfig

/// Runs the security checklist against a `DoctorSubject`: every check, in a fixed order, never
/// stopping at the first problem. A check that cannot run (a file it cannot read, a registry that
/// does not open) says so as a warning or a failure; nothing the doctor reads makes it throw.
///
/// Every date is compared with the subject's clock. Every result names keys, files, lines and
/// settings, never a secret.
public struct Doctor: Sendable {
    let subject: DoctorSubject
    /// What a key looks like: keyctl's local keys (with keyctl.toml's prefixes) and the formats
    /// `keyctl scan` knows.
    let detectors: ScanDetectors

    /// How recent the last successful `keyctl verify` of a key with a verifier must be.
    public static let verificationWindow = TimeSpan.days(7)

    public init(subject: DoctorSubject) {
        self.subject = subject
        detectors = ScanDetectors(localPrefixes: (try? subject.configuration.get())?.localKeyPrefixes ?? [])
    }

    /// Runs every check and returns them all.
    public func run() async -> DoctorReport {
        let keys = await activeKeys()
        let envFiles = envFileSlots(keys)
        var checks: [DoctorCheck] = []
        checks.append(configurationLoads())
        checks.append(configurationPermissions())
        checks.append(await configurationInlineSecrets())
        checks.append(endpoints())
        checks.append(registryFile())
        checks.append(custodyKeyFile())
        checks.append(envFilePermissions(envFiles))
        checks.append(keyOwnership(keys))
        checks.append(wildcardScopes(keys))
        checks.append(await sharedSecrets(envFiles))
        checks.append(keyHealth(keys))
        checks.append(rotationSetup(keys))
        checks.append(recentVerification(keys))
        checks.append(await auditChain())
        checks.append(await auditAnchor())
        checks.append(gitignoreCoversEnvFiles())
        checks.append(await publicVariables(envFiles))
        checks.append(await treeLeaks())
        return DoctorReport(checks: checks)
    }

    /// Every key that is not retired, ordered by environment then name.
    func activeKeys() async -> Result<[KeyRecord], DoctorProblem> {
        guard case .success(let registry) = subject.registry else { return .failure(registryProblem) }
        do {
            var keys: [KeyRecord] = []
            try await registry.forEachKey(matching: KeyFilter()) { key in
                if key.status != .retired { keys.append(key) }
            }
            return .success(keys)
        } catch {
            return .failure(DoctorProblem("cannot list the registry's keys: \(error)"))
        }
    }

    /// Why the registry is not available.
    var registryProblem: DoctorProblem {
        if case .failure(let problem) = subject.registry { return problem }
        return DoctorProblem("the registry is not available")
    }

    var registry: (any DoctorRegistry)? {
        if case .success(let registry) = subject.registry { return registry }
        return nil
    }

    var configuration: KeyctlConfiguration? {
        if case .success(let configuration) = subject.configuration { return configuration }
        return nil
    }

    /// Why the configuration is not available (it does not load).
    var configurationProblem: DoctorProblem {
        if case .failure(let problem) = subject.configuration { return DoctorProblem("keyctl.toml does not load (\(problem))") }
        return DoctorProblem("keyctl.toml is not available")
    }

    static let fixRegistry = "fix what the registry-file check reports, or run `keyctl init`"
    static let fixConfiguration = "fix keyctl.toml at the line the config check names"
}
