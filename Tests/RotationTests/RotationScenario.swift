import Crypto
import Foundation
import GRDB
import KeyStore
import KeyctlTestSupport
import Rotation

/// A key `checkout` in `prod` whose secret lives at a fake provider and in two fake targets,
/// rotated by the real driver against a real registry of either store.
struct RotationScenario {
    let test: TestRegistry
    let provider = FakeProvider()
    let failures = FailurePlan()
    let targets: [FakeTarget]
    let original: String
    let name = KeyName("checkout")!
    let env = EnvironmentName("prod")!
    let custody = SecretCustody(key: SymmetricKey(size: .bits256))
    var verifier: (any Verifier)?
    var issuer: any CredentialIssuer

    init(_ store: StoreKind = .sqlite, targetsReadBack: Bool = true) async throws {
        test = try await makeTestRegistry(store)
        original = "sk_fake_original_0123456789abcdef"
        let provider = self.provider, failures = self.failures
        _ = await provider.seed(original)
        targets = ["app-env", "app-vault"].map { FakeTarget(name: $0, holding: "sk_fake_original_0123456789abcdef", provider: provider, failures: failures, canReadBack: targetsReadBack) }
        verifier = FakeVerifier(provider: provider, failures: failures)
        issuer = FakeIssuer(provider: provider, failures: failures)
        _ = try await test.registry.addKey(try draft("checkout", scopes: "orders:write"), secret: try Secret(reading: original), actor: "test")
    }

    var driver: RotationDriver { driver(ledger: test.registry) }

    /// The driver, recording the rotation in `ledger`.
    func driver(ledger: any RotationLedger) -> RotationDriver {
        RotationDriver(
            ledger: ledger, registry: test.registry,
            adapters: RotationAdapters(issuer: issuer, targets: targets, verifier: verifier), custody: custody, clock: test.clock,
            retry: RetryPolicy(attempts: 2, sleep: { _ in }), revocationChecks: RetryPolicy(attempts: 2, sleep: { _ in }), actor: "test")
    }

    func begin(
        grace: TimeSpan = TimeSpan(seconds: 0), emergency: Bool = false, owner: RotationOwner = FakeProcessTable.process(1),
        unlessBegunSince: Date? = nil
    ) async throws -> RotationRecord {
        try await test.registry.beginRotation(
            name: name, env: env,
            plan: RotationPlan(issuer: "fake", targets: targets.map(\.name), verifier: verifier?.name, grace: grace, emergency: emergency),
            owner: owner, lease: TimeSpan(seconds: 60), unlessBegunSince: unlessBegunSince, actor: "test")
    }

    func inFlight() async throws -> RotationRecord? { try await test.registry.rotationInFlight(name: name, env: env) }

    func detail() async throws -> KeyDetail { try await test.registry.keyDetail(name: name, env: env, recentEvents: 50) }

    /// The rows of `sql`, which selects text columns, read straight from the store.
    func storedRows(_ sql: String) async throws -> [[String?]] {
        if let database = test.postgres { return try database.rows(sql) }
        return try await DatabaseQueue(path: test.path).read { db in
            try Row.fetchAll(db, sql: sql).map { row in (0..<row.count).map { row[$0] as String? } }
        }
    }

    /// Whether `secret` appears anywhere the store keeps data: the SQLite file and its WAL, or
    /// every row of every PostgreSQL table as text (bytea columns in hex).
    func storeHolds(_ secret: String) throws -> Bool {
        if let database = test.postgres {
            let tables = ["keys", "key_versions", "audit_events", "rotations", "rotation_snapshots", "rotation_steps", "access_grants", "offboardings"]
            let dump = try database.rows(
                "SELECT concat(\(tables.map { "(SELECT string_agg(t::text, '') FROM \($0) t)" }.joined(separator: ", ")))"
            ).first?.first ?? nil
            let hex = Data(secret.utf8).map { String(format: "%02x", $0) }.joined()
            return dump.map { $0.contains(secret) || $0.contains(hex) } ?? false
        }
        let bytes = (FileManager.default.contents(atPath: test.path) ?? Data()) + (FileManager.default.contents(atPath: test.path + "-wal") ?? Data())
        return bytes.range(of: Data(secret.utf8)) != nil
    }

    /// After a completed rotation: exactly one current version, its secret the only valid one at the
    /// provider and the one every target holds, the old version revoked, no downtime.
    func expectRotated() async throws -> [String] {
        var problems: [String] = []
        let detail = try await detail()
        let current = detail.versions.filter { $0.stage == .current }
        if current.count != 1 { problems.append("\(current.count) current versions") }
        let valid = await provider.validSecrets
        if valid.count != 1 { problems.append("provider holds \(valid.count) valid credentials") }
        for target in targets where target.value.map({ !valid.contains($0) }) ?? true {
            problems.append("\(target.name) holds a secret that is not the valid one")
        }
        if let secret = valid.first, try current.first?.fingerprint != Secret(reading: secret).fingerprint {
            problems.append("the current version is not the valid secret")
        }
        if valid.contains(original) { problems.append("the original secret is still valid") }
        if detail.versions.first(where: { $0.hint == "****cdef" })?.stage != .revoked { problems.append("the old version is not revoked") }
        problems += await provider.outages
        return problems
    }

    /// After an abort or before any change: the original secret everywhere, and only it valid.
    func expectUnchanged() async throws -> [String] {
        var problems: [String] = []
        let valid = await provider.validSecrets
        if valid != [original] { problems.append("provider holds \(valid.count) valid credentials, original valid: \(valid.contains(original))") }
        for target in targets where target.value != original { problems.append("\(target.name) does not hold the original secret") }
        let current = try await detail().versions.filter { $0.stage == .current }
        if current.count != 1 || current.first?.hint != "****cdef" { problems.append("the original version is not the current one") }
        problems += await provider.outages
        return problems
    }
}
