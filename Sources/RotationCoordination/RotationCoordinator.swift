import Foundation
import KeyStore
import KeyctlConfig
import Rotation

/// Starts, resumes, aborts and finishes rotations as configured in keyctl.toml: what `keyctl
/// rotate`, `keyctl rotations finish` and `keyctl compromise --rotate` call.
public struct RotationCoordinator: Sendable {
    /// The most rotations a batch runs at once: each exec adapter call waits for its program on a
    /// thread of Dispatch's pool, which runs at most 255 of them at once.
    public static let maximumConcurrency = 255

    public typealias Store = KeyRegistry & RotationLedger

    public let store: any Store
    public let setup: RotationSetup
    public let faults: FaultInjection
    public let retry: RetryPolicy
    public let revocationChecks: RetryPolicy
    public let actor: String
    /// Begins, claims and holds the rotations this process drives.
    public let ownership: RotationOwnership
    public let observe: @Sendable (RotationRecord, RotationMilestone) -> Void

    public init(
        store: any Store, setup: RotationSetup, faults: FaultInjection, retry: RetryPolicy = RetryPolicy(),
        revocationChecks: RetryPolicy = RetryPolicy(attempts: 5, initialDelayMilliseconds: 1_000), actor: String,
        processes: any ProcessTable = LocalProcessTable(), leaseDuration: TimeSpan = RotationOwnership.defaultLease,
        observe: @escaping @Sendable (RotationRecord, RotationMilestone) -> Void = { _, _ in }
    ) {
        self.store = store
        self.ownership = RotationOwnership(ledger: store, processes: processes, leaseDuration: leaseDuration)
        self.setup = setup
        self.faults = faults
        self.retry = retry
        self.revocationChecks = revocationChecks
        self.actor = actor
        self.observe = observe
    }

    /// What rotating the key would do, step by step; changes nothing.
    public func dryRun(_ name: KeyName, _ env: EnvironmentName, grace: TimeSpan?, emergency: Bool) async throws -> [String] {
        let detail = try await store.keyDetail(name: name, env: env, recentEvents: 0)
        let plan = try setup.plan(for: name, in: env, grace: grace, emergency: emergency)
        if let inFlight = try await store.rotationInFlight(name: name, env: env) { throw KeyStoreError.rotationInFlight(inFlight) }
        var steps = ["create   a new credential with issuer '\(plan.issuer)', scopes \(detail.key.scopes)"]
        for target in plan.targets { steps.append("deploy   the new secret to target '\(target)' (its current value kept for abort)") }
        steps.append(plan.verifier.map { "verify   the new secret with verifier '\($0)'" } ?? "verify   (no verifier configured: nothing proves the new secret works)")
        steps.append(plan.grace.seconds == 0 ? "grace    none: delete at once" : "grace    keep the old secret valid for \(plan.grace)")
        let old = detail.key.fingerprint.map { "\($0) (\(detail.key.hint ?? ""))" } ?? "(no registered secret: delete it at the provider by hand)"
        steps.append("delete   the old credential \(old) with issuer '\(plan.issuer)'")
        if let verifier = plan.verifier { steps.append("confirm  the old secret is rejected by verifier '\(verifier)'") }
        return steps
    }

    /// Begins a rotation of the key and drives it until it is done or in its grace period.
    /// Throws `busy` naming a rotation already in flight, or `RotationFailure`.
    public func rotate(_ name: KeyName, _ env: EnvironmentName, grace: TimeSpan?, emergency: Bool) async throws -> RotationRecord {
        try await rotate(name, env, grace: grace, emergency: emergency, custody: setup.custody())
    }

    /// Builds the adapters and checks the targets before beginning, so that a configuration
    /// mistake or a target that cannot take a secret changes nothing, and drives the rotation with
    /// those same adapters.
    private func rotate(
        _ name: KeyName, _ env: EnvironmentName, grace: TimeSpan?, emergency: Bool, unlessBegunSince: Date? = nil,
        custody: SecretCustody
    ) async throws -> RotationRecord {
        let plan = try setup.plan(for: name, in: env, grace: grace, emergency: emergency)
        try faults.check(targets: plan.targets.count, hasVerifier: plan.verifier != nil)
        let adapters = try setup.adapters(for: plan, name, env)
        try await adapters.preflight(retry: retry)
        let record = try await ownership.begin(name, env, plan: plan, unlessBegunSince: unlessBegunSince, actor: actor)
        observe(record, .began)
        return try await ownership.holding(record.lease) {
            try await driver(adapters: adapters, custody: custody).run(record, announced: .begun)
        }
    }

    /// Continues the key's rotation in flight from its last recorded step. Throws `busy` naming
    /// its owner while another process drives it. After a crash right after the last step was
    /// recorded there is nothing to resume: the key's last rotation, done, is returned as it is.
    public func resume(_ name: KeyName, _ env: EnvironmentName) async throws -> RotationRecord {
        // A rotation in flight is always the key's newest: one at a time.
        if let last = try await store.latestRotation(name: name, env: env), last.state == .done {
            observe(last, .alreadyDone)
            return last
        }
        let (record, driver) = try await claim(try await inFlight(name, env), custody: try setup.custody())
        return try await ownership.holding(record.lease) { try await driver.run(record) }
    }

    /// Rolls back the key's rotation in flight. Throws `busy` naming its owner while another
    /// process drives it.
    public func abort(_ name: KeyName, _ env: EnvironmentName) async throws -> RotationRecord {
        let (record, driver) = try await claim(try await inFlight(name, env), custody: try setup.custody())
        return try await ownership.holding(record.lease) { try await driver.abort(record) }
    }

    /// Completes every rotation whose grace period has passed (for cron). Returns each outcome.
    public func finishDue(now: Date) async throws -> [(RotationRecord, Result<RotationRecord, any Error>)] {
        var outcomes: [(RotationRecord, Result<RotationRecord, any Error>)] = []
        var custody: SecretCustody?
        for record in try await store.rotations(inFlightOnly: true) where record.resumeState == .grace && (record.graceUntil ?? now) <= now
            || [.delete, .confirm].contains(record.resumeState)
        {
            do {
                custody = try custody ?? setup.custody()
                let (claimed, driver) = try await claim(record, custody: custody!)
                outcomes.append((record, .success(try await ownership.holding(claimed.lease) { try await driver.run(claimed) })))
            } catch {
                outcomes.append((record, .failure(error)))
            }
        }
        return outcomes
    }

    /// Rotates many keys, at most `concurrency` at once; one key's failure does not stop the others.
    /// A key whose rotation began at or after `chosenAt` (another run rotated it after the batch
    /// chose it) is left alone: its result is a `superseded` error.
    /// Throws only when the custody key cannot be loaded, before anything starts.
    public func rotateMany(
        _ keys: [(KeyName, EnvironmentName)], chosenAt: Date, concurrency: Int, emergency: Bool,
        completed: @escaping @Sendable (KeyName, EnvironmentName, Result<RotationRecord, any Error>) -> Void
    ) async throws {
        let custody = try setup.custody()
        await withTaskGroup(of: Void.self) { group in
            var pending = keys.makeIterator()
            func startNext() -> Bool {
                guard let (name, env) = pending.next() else { return false }
                group.addTask {
                    do {
                        completed(name, env, .success(try await rotate(
                            name, env, grace: nil, emergency: emergency, unlessBegunSince: chosenAt, custody: custody)))
                    } catch {
                        completed(name, env, .failure(error))
                    }
                }
                return true
            }
            for _ in 0..<max(1, concurrency) where !startNext() { break }
            while await group.next() != nil { _ = startNext() }
        }
    }

    // MARK: Helpers

    private func inFlight(_ name: KeyName, _ env: EnvironmentName) async throws -> RotationRecord {
        guard let record = try await store.rotationInFlight(name: name, env: env) else {
            _ = try await store.keyDetail(name: name, env: env, recentEvents: 0)
            throw KeyStoreError(.notFound, "key '\(name)' in '\(env)' has no rotation in flight; see `keyctl rotations`")
        }
        return record
    }

    /// Builds the rotation's adapters (so a configuration mistake changes nothing), then takes
    /// the rotation for this process.
    private func claim(_ record: RotationRecord, custody: SecretCustody) async throws -> (RotationRecord, RotationDriver) {
        try faults.check(targets: record.targets.count, hasVerifier: record.verifier != nil)
        let driver = driver(adapters: try setup.adapters(for: record), custody: custody)
        return (try await ownership.claim(record, actor: actor), driver)
    }

    private func driver(adapters: RotationAdapters, custody: SecretCustody) -> RotationDriver {
        RotationDriver(
            ledger: store, registry: store, adapters: adapters, custody: custody, clock: setup.clock,
            retry: retry, revocationChecks: revocationChecks, faults: faults, actor: actor, observe: observe)
    }
}
