import Foundation
import KeyStore

/// Performs the rotation machine's actions against the adapters, recording each step before and
/// after it runs, so that a rotation killed at any instant resumes where it stopped.
public struct RotationDriver: Sendable {
    public let ledger: any RotationLedger
    public let registry: any KeyRegistry
    public let adapters: RotationAdapters
    public let custody: SecretCustody
    public let clock: any WallClock
    public let retry: RetryPolicy
    /// How often, and how far apart, to check that the old secret is rejected after delete.
    public let revocationChecks: RetryPolicy
    public let faults: FaultInjection
    public let actor: String
    /// Told about each step as it completes, for progress output.
    public let observe: @Sendable (RotationRecord, RotationMilestone) -> Void

    public init(
        ledger: any RotationLedger, registry: any KeyRegistry, adapters: RotationAdapters, custody: SecretCustody,
        clock: any WallClock, retry: RetryPolicy = RetryPolicy(), revocationChecks: RetryPolicy = RetryPolicy(attempts: 5, initialDelayMilliseconds: 1_000),
        faults: FaultInjection = .none, actor: String, observe: @escaping @Sendable (RotationRecord, RotationMilestone) -> Void = { _, _ in }
    ) {
        self.ledger = ledger
        self.registry = registry
        self.adapters = adapters
        self.custody = custody
        self.clock = clock
        self.retry = retry
        self.revocationChecks = revocationChecks
        self.faults = faults
        self.actor = actor
        self.observe = observe
    }

    /// Drives `start` forward until it is done or waiting for its grace period to pass.
    /// `announced` is the step whose start the store journalled already: `.begun` for a rotation
    /// just begun. On a failed step the rotation is recorded as failed and `RotationFailure` is thrown.
    public func run(_ start: RotationRecord, announced alreadyAnnounced: StepStart? = nil) async throws -> RotationRecord {
        var record = start
        var machine = RotationMachine(record: record)
        let detail = try await registry.keyDetail(name: record.keyName, env: record.env, recentEvents: 0)
        // The issuer's id for the new credential, which targets may store beside it (read once).
        var newIssuerRef = detail.versions.first { $0.id == record.newVersionID }?.issuerRef
        // The step whose start the last transaction journalled already.
        var announced = alreadyAnnounced
        // The old secret, read once the old credential is deleted, for the check that it is rejected.
        var oldSecret: Secret?
        while true {
            let action = machine.nextAction(now: clock.now())
            do {
                // What was recorded: a step, and the snapshot of a target that cannot be read back.
                let events: [RotationEvent]
                switch action {
                case .none, .waitForGrace:
                    return record
                case .create:
                    (record, newIssuerRef, announced) = try await create(record, scopes: detail.key.scopes.scopes.map(\.rawValue), announced: announced == .begun)
                    events = [.created] + (announced == nil ? [] : [.snapshotTaken(target: 0)])
                case .snapshot(let index):
                    (record, announced) = try await snapshot(record, index)
                    events = [.snapshotTaken(target: index)]
                case .deploy(let index):
                    let target = StepStart(.deploy, target: adapters.targets[index].name)
                    let snapshotsBefore = record.snapshotsTaken
                    (record, announced) = try await deploy(record, index, issuerRef: newIssuerRef, announced: announced == target)
                    events = [.deployed(target: index)] + (record.snapshotsTaken > snapshotsBefore ? [.snapshotTaken(target: index + 1)] : [])
                case .verify:
                    record = try await verify(
                        record, oldVersion: detail.versions.first { $0.id == record.oldVersionID },
                        announced: announced == StepStart(.verify, target: adapters.verifier?.name))
                    events = [.verified(graceUntil: record.graceUntil ?? clock.now())]
                case .delete:
                    (record, oldSecret) = try await delete(record, oldVersion: detail.versions.first { $0.id == record.oldVersionID })
                    events = [.deleted] + (record.state == .done ? [adapters.verifier == nil ? .finished : .revocationChecked] : [])
                case .confirmRevocation:
                    record = try await confirmRevocation(record, oldSecret: oldSecret)
                    events = [.revocationChecked]
                case .finish:
                    faults.reach("finish.before")
                    record = try await ledger.recordDone(record.lease, revocation: nil, actor: actor)
                    faults.reach("finish.after")
                    await notify("rotation.done", record, detail: nil)
                    events = [.finished]
                }
                for event in events {
                    try machine.handle(event)
                    observe(record, .recorded(event))
                }
            } catch {
                // An adapter's words may repeat a secret it was given: only redacted text leaves here.
                let redactor = await redactor(for: record)
                let reason = redactor.redact("\(error)", limit: RotationFailure.reasonLimit)
                if let failed = try? await ledger.recordFailed(record.lease, message: reason, actor: actor) {
                    record = failed
                }
                let step = record.failedStep ?? record.resumeState
                try? await ledger.journal(record.lease, step: step, target: nil, phase: .failed, detail: reason)
                await notify("rotation.failed", record, detail: reason, redactor: redactor)
                throw RotationFailure(rotation: record, step: step, underlying: error, redactor: redactor)
            }
        }
    }

    /// Rolls back a rotation that has not reached its delete step: every target it touched gets its
    /// previous value back, the new credential is deleted, and the old version is current again.
    public func abort(_ record: RotationRecord) async throws -> RotationRecord {
        let plan = try RotationMachine(record: record).abortPlan(snapshotsTaken: record.snapshotsTaken)
        let detail = try await registry.keyDetail(name: record.keyName, env: record.env, recentEvents: 0)
        let old = detail.versions.first { $0.id == record.oldVersionID }
        if let old {
            try await retry.run { try await adapters.issuer.reactivate(Self.reference(to: old)) }
        }
        let sealedSnapshots = try await ledger.snapshots(rotationID: record.id)
        var previous: [Int: Secret] = [:]
        for (index, sealed) in sealedSnapshots {
            if let sealed { previous[index] = try custody.open(sealed, rotationID: record.id, purpose: "snapshot-\(index)") }
        }
        let oldSecret = previous.sorted { $0.key < $1.key }.first?.value
        for index in plan.restoreTargets {
            let target = adapters.targets[index]
            let value = target.canReadBack ? previous[index] : oldSecret
            try await retry.run { try await target.restore(value, issuerRef: old?.issuerRef) }
            observe(record, .restored(target: target.name))
        }
        let reference: CredentialReference
        if plan.newCredentialRecorded {
            let newVersion = detail.versions.first { $0.id == record.newVersionID }
            reference = CredentialReference(issuerRef: newVersion?.issuerRef, fingerprint: newVersion?.fingerprint, idempotencyKey: record.idempotencyKey)
        } else {
            reference = CredentialReference(issuerRef: nil, fingerprint: nil, idempotencyKey: record.idempotencyKey)
        }
        try await retry.run { try await adapters.issuer.delete(reference) }
        let aborted = try await ledger.recordAborted(record.lease, actor: actor)
        await notify("rotation.aborted", aborted, detail: nil)
        return aborted
    }

    // MARK: Steps

    /// Creates the new credential; returns the rotation as recorded, the issuer's id for it, and
    /// the first target's deploy when it was journalled as started: a first target that cannot be
    /// read back has its (empty) snapshot recorded with the credential.
    private func create(_ record: RotationRecord, scopes: [String], announced: Bool) async throws -> (RotationRecord, String?, StepStart?) {
        if !announced { try await started(record, .create, target: nil) }
        faults.reach("create.before")
        let request = CredentialRequest(name: record.keyName, env: record.env, scopes: scopes, idempotencyKey: record.idempotencyKey)
        let issued = try await retry.run { try await adapters.issuer.create(request) }
        faults.reach("create.during")
        let sealed = try custody.seal(issued.secret, rotationID: record.id, purpose: "new-secret")
        let next = emptySnapshotThenDeploy(0)
        let updated = try await ledger.recordCreated(
            record.lease, fingerprint: issued.secret.fingerprint, sha1: issued.secret.sha1, hint: issued.secret.hint, issuerRef: issued.issuerRef,
            sealedSecret: sealed, snapshotEmpty: next != nil, then: next, actor: actor)
        faults.reach("create.after")
        if next != nil { reachSnapshotPoints(0) }
        return (updated, issued.issuerRef, next)
    }

    /// The deploy of target `index` when that target cannot be read back: its snapshot, empty, is
    /// recorded by the transaction before it, which journals this deploy as started.
    private func emptySnapshotThenDeploy(_ index: Int) -> StepStart? {
        guard adapters.targets.indices.contains(index), !adapters.targets[index].canReadBack else { return nil }
        return StepStart(.deploy, target: adapters.targets[index].name)
    }

    /// The snapshot's crash points, reached at once when its empty snapshot was recorded with the step before.
    private func reachSnapshotPoints(_ index: Int) {
        for phase in ["before", "during", "after"] { faults.reach("snapshot.\(index).\(phase)") }
    }

    /// Records the target's previous value and that its deploy starts.
    private func snapshot(_ record: RotationRecord, _ index: Int) async throws -> (RotationRecord, StepStart) {
        let target = adapters.targets[index]
        faults.reach("snapshot.\(index).before")
        let previous = target.canReadBack ? try await retry.run { try await target.snapshot() } : nil
        faults.reach("snapshot.\(index).during")
        let sealed = try previous.map { try custody.seal($0, rotationID: record.id, purpose: "snapshot-\(index)") }
        let next = StepStart(.deploy, target: target.name)
        let updated = try await ledger.recordSnapshot(record.lease, targetIndex: index, sealedValue: sealed, then: next, actor: actor)
        faults.reach("snapshot.\(index).after")
        return (updated, next)
    }

    /// Deploys to the target and records it, with the start of verify after the last target.
    private func deploy(_ record: RotationRecord, _ index: Int, issuerRef: String?, announced: Bool) async throws -> (RotationRecord, StepStart?) {
        let target = adapters.targets[index]
        if !announced { try await started(record, .deploy, target: target.name) }
        faults.reach("deploy.\(index).before")
        let secret = try newSecret(record)
        try await retry.run { try await target.deploy(secret, issuerRef: issuerRef) }
        faults.reach("deploy.\(index).during")
        let emptySnapshotNext = emptySnapshotThenDeploy(index + 1)
        let next = index + 1 == adapters.targets.count ? StepStart(.verify, target: adapters.verifier?.name) : emptySnapshotNext
        let updated = try await ledger.recordDeployed(
            record.lease, targetIndex: index, snapshotEmpty: emptySnapshotNext != nil, then: next, actor: actor)
        faults.reach("deploy.\(index).after")
        if emptySnapshotNext != nil { reachSnapshotPoints(index + 1) }
        return (updated, next)
    }

    /// Verifies the new secret, then deactivates the old credential where the issuer can.
    private func verify(_ record: RotationRecord, oldVersion: KeyVersion?, announced: Bool) async throws -> RotationRecord {
        if !announced { try await started(record, .verify, target: adapters.verifier?.name) }
        faults.reach("verify.before")
        if let verifier = adapters.verifier {
            let secret = try newSecret(record)
            // A provider may take a moment to accept a new key: a rejection is retried too.
            try await retry.run {
                if case .rejected(let reason) = try await verifier.verify(secret) {
                    throw AdapterError(.retryable, adapter: "verifier \(verifier.name)", "the new secret was rejected: \(reason)")
                }
            }
        }
        if let oldVersion {
            try await retry.run { try await adapters.issuer.deactivate(Self.reference(to: oldVersion)) }
        }
        faults.reach("verify.during")
        let graceUntil = record.emergency ? clock.now() : clock.now().addingTimeInterval(TimeInterval(record.grace.seconds))
        let updated = try await ledger.recordVerified(record.lease, graceUntil: graceUntil, actor: actor)
        faults.reach("verify.after")
        return updated
    }

    /// Deletes the old credential. Returns the rotation as recorded, and the old secret when the
    /// verifier is to check it is rejected; when there is no such check, the rotation is recorded
    /// done with the delete.
    private func delete(_ record: RotationRecord, oldVersion: KeyVersion?) async throws -> (RotationRecord, Secret?) {
        var record = record
        if record.resumeState == .grace {
            // Recorded as its own transition: the point of no return, and the step's start.
            record = try await ledger.recordDeleteStarting(record.lease, actor: actor)
        } else {
            try await started(record, .delete, target: nil)
        }
        faults.reach("delete.before")
        if let oldVersion {
            try await retry.run { try await adapters.issuer.delete(Self.reference(to: oldVersion)) }
        } else {
            try await ledger.journal(
                record.lease, step: .delete, target: nil, phase: .succeeded,
                detail: "the key had no registered secret: delete the old credential at its provider by hand")
        }
        faults.reach("delete.during")
        let oldSecret = adapters.verifier == nil ? nil : try await previousSecret(record)
        let finishing = oldSecret == nil
        let updated = try await ledger.recordDeleted(record.lease, finishing: finishing, actor: actor)
        faults.reach("delete.after")
        if finishing {
            let points = adapters.verifier == nil ? ["finish.before", "finish.after"] : ["confirm.before", "confirm.during", "confirm.after"]
            for point in points { faults.reach(point) }
            await notify("rotation.done", updated, detail: nil)
        }
        return (updated, oldSecret)
    }

    /// Checks that the old secret (`known`, read after the delete, or read now on resume) is rejected.
    private func confirmRevocation(_ record: RotationRecord, oldSecret known: Secret?) async throws -> RotationRecord {
        faults.reach("confirm.before")
        var revocation: RevocationCheck?
        var oldSecret = known
        if oldSecret == nil { oldSecret = try await previousSecret(record) }
        if let verifier = adapters.verifier, let oldSecret {
            revocation = await checkRevoked(oldSecret, with: verifier)
        }
        faults.reach("confirm.during")
        let updated = try await ledger.recordDone(record.lease, revocation: revocation, actor: actor)
        faults.reach("confirm.after")
        switch revocation {
        case .accepted?: await notify("rotation.old_secret_still_valid", updated, detail: "the deleted credential is still accepted")
        case .unconfirmed?: await notify("rotation.old_secret_unconfirmed", updated, detail: "the verifier could not be reached to confirm the deleted credential is rejected")
        case .rejected?, nil: break
        }
        await notify("rotation.done", updated, detail: nil)
        return updated
    }

    /// Checks that the old secret is rejected, retrying for a provider's revocation lag. Only an
    /// answer counts: `accepted` when the verifier's last answer accepted it, `unconfirmed` when it
    /// never answered (timeouts, 5xx), never a verdict it did not give.
    private func checkRevoked(_ oldSecret: Secret, with verifier: any Verifier) async -> RevocationCheck {
        var answered: RevocationCheck = .unconfirmed
        do {
            try await revocationChecks.run {
                if case .rejected = try await verifier.verify(oldSecret) {
                    answered = .rejected
                    return
                }
                answered = .accepted
                throw AdapterError(.retryable, adapter: "verifier \(verifier.name)", "the old secret is still accepted")
            }
        } catch {
            // Every check failed: `answered` holds the last answer the verifier gave, if any.
        }
        return answered
    }

    // MARK: Helpers

    private func started(_ record: RotationRecord, _ step: RotationState, target: String?) async throws {
        try await ledger.journal(record.lease, step: step, target: target, phase: .started, detail: nil)
    }

    private static func reference(to version: KeyVersion) -> CredentialReference {
        CredentialReference(issuerRef: version.issuerRef, fingerprint: version.fingerprint)
    }

    private func newSecret(_ record: RotationRecord) throws -> Secret {
        guard let sealed = record.sealedSecret else {
            throw CustodyError("rotation \(record.id) has no sealed new secret; abort it and start again")
        }
        return try custody.open(sealed, rotationID: record.id, purpose: "new-secret")
    }

    /// The old secret, from the first target snapshot that held one.
    private func previousSecret(_ record: RotationRecord) async throws -> Secret? {
        for (index, sealed) in try await ledger.snapshots(rotationID: record.id).sorted(by: { $0.key < $1.key }) {
            if let sealed { return try custody.open(sealed, rotationID: record.id, purpose: "snapshot-\(index)") }
        }
        return nil
    }

    /// Tells every notifier; a notifier's failure is journalled, redacted by `redactor`.
    private func notify(_ event: String, _ record: RotationRecord, detail: String?, redactor: SecretRedactor = SecretRedactor()) async {
        let notice = RotationNotice(
            event: event, key: record.keyName.rawValue, env: record.env.rawValue, rotation: record.id,
            at: Timestamp.format(clock.now()), detail: detail)
        for notifier in adapters.notifiers {
            do {
                try await notifier.notify(notice)
            } catch {
                try? await ledger.journal(
                    record.lease, step: record.resumeState, target: notifier.name, phase: .failed,
                    detail: "notifier: " + redactor.redact("\(error)", limit: RotationFailure.reasonLimit))
            }
        }
    }
}

/// A rotation step that failed; the rotation is recorded as failed at `step`.
public struct RotationFailure: Error, CustomStringConvertible, Sendable {
    /// How much of the underlying error's text is kept in messages, the registry and notices.
    public static let reasonLimit = 1_000

    public let rotation: RotationRecord
    public let step: RotationState
    /// The error itself, for classification (exit codes); never print it: print `reason`.
    public let underlying: any Error
    /// The underlying error's text with every secret in play redacted.
    public let reason: String

    init(rotation: RotationRecord, step: RotationState, underlying: any Error, redactor: SecretRedactor) {
        self.rotation = rotation
        self.step = step
        self.underlying = underlying
        reason = redactor.redact("\(underlying)", limit: Self.reasonLimit)
    }

    public var description: String {
        // Another process took the rotation over: it is theirs to finish, not ours to advise on.
        if let error = underlying as? KeyStoreError, error.category == .busy { return reason }
        let command = "keyctl rotate \(rotation.keyName) --env \(rotation.env)"
        let next = rotation.isPastPointOfNoReturn
            ? "the new secret is live; fix the cause and run `\(command) --resume` to finish deleting the old one"
            : "the old secret still works; fix the cause and run `\(command) --resume`, or `--abort` to roll back"
        return "rotation \(rotation.id) of \(rotation.keyName) (\(rotation.env)) failed at \(step.rawValue): \(reason). \(next)"
    }
}
