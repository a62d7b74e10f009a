import Foundation
import KeyStore
import Synchronization

/// A ledger that records which of its writes were called, in order, and passes every call on to
/// `inner`: a rotation's transactions, counted.
final class RecordingLedger: RotationLedger {
    let inner: any RotationLedger
    private let calls = Mutex<[String]>([])

    init(_ inner: any RotationLedger) { self.inner = inner }

    /// The writes made so far, by method name.
    var writes: [String] { calls.withLock { $0 } }

    private func record(_ name: String) { calls.withLock { $0.append(name) } }

    func beginRotation(
        name: KeyName, env: EnvironmentName, plan: RotationPlan, owner: RotationOwner, lease: TimeSpan, unlessBegunSince: Date?, actor: String
    ) async throws -> RotationRecord {
        record("beginRotation")
        return try await inner.beginRotation(name: name, env: env, plan: plan, owner: owner, lease: lease, unlessBegunSince: unlessBegunSince, actor: actor)
    }

    func claimRotation(_ rotationID: String, for owner: RotationOwner, deadOwnerEpoch: Int?, lease: TimeSpan, actor: String) async throws -> RotationRecord {
        record("claimRotation")
        return try await inner.claimRotation(rotationID, for: owner, deadOwnerEpoch: deadOwnerEpoch, lease: lease, actor: actor)
    }

    func renewLease(_ lease: RotationLease, for duration: TimeSpan) async throws {
        record("renewLease")
        try await inner.renewLease(lease, for: duration)
    }

    func releaseLease(_ lease: RotationLease) async throws {
        record("releaseLease")
        try await inner.releaseLease(lease)
    }

    func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try await inner.rotationInFlight(name: name, env: env)
    }

    func latestRotation(name: KeyName, env: EnvironmentName) async throws -> RotationRecord? {
        try await inner.latestRotation(name: name, env: env)
    }

    func rotations(inFlightOnly: Bool) async throws -> [RotationRecord] { try await inner.rotations(inFlightOnly: inFlightOnly) }

    func journal(_ lease: RotationLease, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws {
        record("journal")
        try await inner.journal(lease, step: step, target: target, phase: phase, detail: detail)
    }

    func recordCreated(
        _ lease: RotationLease, fingerprint: Fingerprint, sha1: SecretSHA1, hint: String, issuerRef: String?, sealedSecret: [UInt8],
        snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord {
        record("recordCreated")
        return try await inner.recordCreated(
            lease, fingerprint: fingerprint, sha1: sha1, hint: hint, issuerRef: issuerRef, sealedSecret: sealedSecret,
            snapshotEmpty: snapshotEmpty, then: next, actor: actor)
    }

    func recordSnapshot(_ lease: RotationLease, targetIndex: Int, sealedValue: [UInt8]?, then next: StepStart?, actor: String) async throws -> RotationRecord {
        record("recordSnapshot")
        return try await inner.recordSnapshot(lease, targetIndex: targetIndex, sealedValue: sealedValue, then: next, actor: actor)
    }

    func recordDeployed(_ lease: RotationLease, targetIndex: Int, snapshotEmpty: Bool, then next: StepStart?, actor: String) async throws -> RotationRecord {
        record("recordDeployed")
        return try await inner.recordDeployed(lease, targetIndex: targetIndex, snapshotEmpty: snapshotEmpty, then: next, actor: actor)
    }

    func recordVerified(_ lease: RotationLease, graceUntil: Date, actor: String) async throws -> RotationRecord {
        record("recordVerified")
        return try await inner.recordVerified(lease, graceUntil: graceUntil, actor: actor)
    }

    func recordDeleteStarting(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        record("recordDeleteStarting")
        return try await inner.recordDeleteStarting(lease, actor: actor)
    }

    func recordDeleted(_ lease: RotationLease, finishing: Bool, actor: String) async throws -> RotationRecord {
        record("recordDeleted")
        return try await inner.recordDeleted(lease, finishing: finishing, actor: actor)
    }

    func recordDone(_ lease: RotationLease, revocation: RevocationCheck?, actor: String) async throws -> RotationRecord {
        record("recordDone")
        return try await inner.recordDone(lease, revocation: revocation, actor: actor)
    }

    func recordFailed(_ lease: RotationLease, message: String, actor: String) async throws -> RotationRecord {
        record("recordFailed")
        return try await inner.recordFailed(lease, message: message, actor: actor)
    }

    func recordAborted(_ lease: RotationLease, actor: String) async throws -> RotationRecord {
        record("recordAborted")
        return try await inner.recordAborted(lease, actor: actor)
    }

    func snapshots(rotationID: String) async throws -> [Int: [UInt8]?] { try await inner.snapshots(rotationID: rotationID) }

    func recordVerification(name: KeyName, env: EnvironmentName, succeeded: Bool, detail: String, actor: String) async throws -> KeyRecord {
        record("recordVerification")
        return try await inner.recordVerification(name: name, env: env, succeeded: succeeded, detail: detail, actor: actor)
    }
}
