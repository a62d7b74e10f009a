import Synchronization
import Foundation
import KeyStore
import Rotation

/// A credential provider in memory, as the application's API sees it: which secrets are valid
/// now. It records every create and delete and any moment the application would have failed.
public actor FakeProvider {
    private var valid: [String: String] = [:]  // issuer ref -> secret
    private var refsByIdempotencyKey: [String: String] = [:]
    private var nextRef = 1
    public private(set) var createCalls = 0
    /// Moments a deploy target held a secret the provider did not accept: downtime.
    public private(set) var outages: [String] = []

    public init() {}

    /// Registers an existing valid secret, as before keyctl ever rotated it.
    public func seed(_ secret: String) -> String {
        let ref = "ref-\(nextRef)"
        nextRef += 1
        valid[ref] = secret
        return ref
    }

    public func create(idempotencyKey: String) -> (ref: String, secret: String) {
        createCalls += 1
        if let ref = refsByIdempotencyKey[idempotencyKey], let secret = valid[ref] { return (ref, secret) }
        let ref = "ref-\(nextRef)"
        nextRef += 1
        let secret = "sk_fake_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        valid[ref] = secret
        refsByIdempotencyKey[idempotencyKey] = ref
        return (ref, secret)
    }

    public func delete(_ reference: CredentialReference) {
        if let ref = reference.issuerRef { valid[ref] = nil }
        if let fingerprint = reference.fingerprint {
            valid = valid.filter { (try? Secret(reading: $0.value).fingerprint) != fingerprint }
        }
        if reference.issuerRef == nil, reference.fingerprint == nil, let key = reference.idempotencyKey, let ref = refsByIdempotencyKey[key] {
            valid[ref] = nil
        }
    }

    public func accepts(_ secret: String) -> Bool { valid.values.contains(secret) }

    public var validSecrets: Set<String> { Set(valid.values) }

    /// Called by targets whenever they change: the application must keep working.
    public func check(applicationSecret secret: String?, at target: String) {
        guard let secret else { return }
        if !valid.values.contains(secret) { outages.append("\(target) held a secret the provider rejects") }
    }
}

/// When a fake adapter should fail, and how.
public actor FailurePlan {
    private var failures: [String: (error: AdapterError, times: Int)] = [:]

    public init() {}

    /// Makes the next `times` calls of `operation` (such as `create`, `deploy:app-env`, `verify`) fail.
    public func fail(_ operation: String, times: Int = 1, kind: AdapterError.Kind = .needsOperator) {
        failures[operation] = (AdapterError(kind, adapter: "fake", "\(operation) failed on purpose"), times)
    }

    public func clear() { failures = [:] }

    func check(_ operation: String) throws {
        guard let failure = failures[operation], failure.times > 0 else { return }
        failures[operation] = (failure.error, failure.times - 1)
        throw failure.error
    }
}

public struct FakeIssuer: CredentialIssuer {
    public let provider: FakeProvider
    public let failures: FailurePlan

    public init(provider: FakeProvider, failures: FailurePlan) {
        self.provider = provider
        self.failures = failures
    }

    public func create(_ request: CredentialRequest) async throws -> IssuedCredential {
        try await failures.check("create")
        let (ref, secret) = await provider.create(idempotencyKey: request.idempotencyKey)
        return IssuedCredential(secret: try Secret(reading: secret), issuerRef: ref)
    }

    public func delete(_ credential: CredentialReference) async throws {
        try await failures.check("delete")
        await provider.delete(credential)
    }
}

/// A deploy target holding one value in memory; every change is checked against the provider.
public final class FakeTarget: DeployTarget {
    public let name: String
    public let provider: FakeProvider
    public let failures: FailurePlan
    private let state: Mutex<String?>
    public let canReadBack: Bool

    public init(name: String, holding secret: String?, provider: FakeProvider, failures: FailurePlan, canReadBack: Bool = true) {
        self.canReadBack = canReadBack
        self.name = name
        self.provider = provider
        self.failures = failures
        state = Mutex(secret)
    }

    public var value: String? { state.withLock { $0 } }

    public func snapshot() async throws -> Secret? {
        try await failures.check("snapshot:\(name)")
        return try value.map { try Secret(reading: $0) }
    }

    public func deploy(_ secret: Secret) async throws {
        try await failures.check("deploy:\(name)")
        state.withLock { $0 = secret.revealText() }
        await provider.check(applicationSecret: value, at: name)
    }

    public func restore(_ previous: Secret?) async throws {
        try await failures.check("restore:\(name)")
        state.withLock { $0 = previous?.revealText() }
        await provider.check(applicationSecret: value, at: name)
    }

    public func currentSecret() async throws -> Secret? { try value.map { try Secret(reading: $0) } }
}

/// Accepts exactly the secrets the provider holds as valid.
public struct FakeVerifier: Verifier {
    public let name = "fake-verifier"
    public let provider: FakeProvider
    public let failures: FailurePlan

    public init(provider: FakeProvider, failures: FailurePlan) {
        self.provider = provider
        self.failures = failures
    }

    public func verify(_ secret: Secret) async throws -> VerificationOutcome {
        try await failures.check("verify")
        return await provider.accepts(secret.revealText()) ? .accepted : .rejected("unknown key")
    }
}

