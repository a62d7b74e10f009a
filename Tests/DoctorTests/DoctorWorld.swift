import Doctor
import Exposure
import Foundation
import KeyStore
import SQLiteStore
import KeyctlConfig
import KeyctlTestSupport

/// A registry, a keyctl.toml and a project folder in temporary folders, checked by the doctor with
/// a manual clock.
struct DoctorWorld {
    let test: TestRegistry
    let home = TemporaryFolder()
    let project = TemporaryFolder()
    var environment: [String: String]
    var scanner: (any TreeLeakScanner)? = FakeScanner(matches: [])
    var includeHistory = false
    /// keyctl.toml's text; nil for no file.
    var configText: String?

    init() throws {
        test = try makeTestRegistry()
        environment = ["HOME": home.path, "XDG_CONFIG_HOME": home.file("config")]
        try? FileManager.default.createDirectory(atPath: home.file("config"), withIntermediateDirectories: true)
        project.write(".gitignore", ".env*\n")
    }

    var registry: SQLiteKeyRegistry { test.sqlite }
    var clock: ManualClock { test.clock }
    var configPath: String { home.file("keyctl.toml") }

    /// Registers `name` in `env` with `secret`.
    @discardableResult
    func add(_ name: String, env: String = "prod", scopes: String = "orders:write", owner: String? = "payments", secret: String? = nil) async throws -> KeyRecord {
        try await registry.addKey(
            draft(name, env: env, scopes: scopes, owner: owner), secret: try secret.map { try Secret(reading: $0) }, actor: "tester")
    }

    /// Writes keyctl.toml (mode 600) and uses it.
    mutating func configure(_ text: String) {
        configText = text
        home.write("keyctl.toml", text)
        chmod(configPath, 0o600)
    }

    func subject() -> DoctorSubject {
        let configuration: Result<KeyctlConfiguration, DoctorProblem>
        if configText == nil {
            configuration = .success(KeyctlConfiguration())
        } else {
            do {
                configuration = .success(try KeyctlConfiguration.load(path: configPath))
            } catch {
                configuration = .failure(DoctorProblem("\(error)"))
            }
        }
        return DoctorSubject(
            registry: .success(registry), registryPath: test.path, configurationPath: configText == nil ? nil : configPath,
            configuration: configuration, environment: environment, root: project.path, includeHistory: includeHistory, clock: clock,
            scanner: scanner)
    }

    func report() async -> DoctorReport {
        await Doctor(subject: subject()).run()
    }

    /// The result of the check `id`.
    func check(_ id: String) async -> DoctorCheck {
        await report().checks.first { $0.id == id }!
    }

    /// Every word of a report, to prove a secret is never in it.
    static func text(of report: DoctorReport) -> String {
        report.checks.map { "\($0.id) \($0.title) \($0.detail) \($0.fix ?? "")" }.joined(separator: "\n")
    }
}

/// A scanner that returns what it was given, or throws.
struct FakeScanner: TreeLeakScanner {
    var matches: [LeakMatch]
    var failure: String?

    func scan(root: String, history: Bool) async throws -> [LeakMatch] {
        if let failure { throw DoctorProblem(failure) }
        return matches
    }
}

/// A Stripe-shaped secret key, random each run.
func stripeSecret() -> String {
    "sk_live_" + String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(24))
}

extension DoctorWorld {
    /// A healthy setup: one owned key with a local issuer, an env-file target holding its secret
    /// (0600), an HTTPS verifier, a verification today, and a signed audit checkpoint.
    static func healthy() async throws -> (DoctorWorld, secret: String) {
        var world = try DoctorWorld()
        let secret = stripeSecret()
        try await world.add("checkout", secret: secret)
        world.configure(world.rotationConfig())
        world.writeEnvFile("checkout-prod.env", "API_KEY=\(secret)\n")
        _ = try await world.registry.recordVerification(name: KeyName("checkout")!, env: EnvironmentName("prod")!, succeeded: true, detail: "ok", actor: "tester")
        try await world.anchorAudit()
        return (world, secret)
    }

    /// keyctl.toml binding every key to a local issuer, an env file `{name}-{env}.env` in the home
    /// folder (variable API_KEY) and an HTTPS verifier; `extra` is appended.
    func rotationConfig(_ extra: String = "") -> String {
        """
        [issuers.local]
        type = "local"
        prefix = "sk_{env}_"

        [targets.app]
        type = "env-file"
        path = "\(home.path)/{name}-{env}.env"
        variable = "API_KEY"

        [verifiers.api]
        type = "http"
        url = "https://api.example.test/me"

        [rotation]
        issuer = "local"
        targets = ["app"]
        verifier = "api"
        custody_key_file = "\(home.path)/custody.key"
        \(extra)
        """
    }

    /// Writes an env file in the home folder, mode 600.
    @discardableResult
    func writeEnvFile(_ name: String, _ text: String, mode: mode_t = 0o600) -> String {
        let path = home.write(name, text)
        chmod(path, mode)
        return path
    }

    /// Configures a checkpoint file and signs a checkpoint of the chain as it is now.
    mutating func anchorAudit() async throws {
        environment["KEYCTL_AUDIT_CHECKPOINTS"] = home.file("audit.checkpoints")
        environment["KEYCTL_AUDIT_KEY_FILE"] = home.file("audit-signing.key")
        let settings = AuditAnchorSettings(environment: environment)
        let key = try AuditSigningKey.load(environment: environment, keyFile: settings.signingKeyFile, create: true)!
        _ = try await AuditAnchor(settings)!.checkpoint(of: registry, key: key, at: clock.now(), onlyIfChanged: false)
    }
}
