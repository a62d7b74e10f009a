import Foundation

/// The durable record of rotations: every method is one transaction together with its audit event,
/// so a rotation killed at any instant resumes from exactly what was recorded.
///
/// Methods throw `KeyStoreError`: `rotationInFlight` (category `busy`) when the key already has a
/// rotation in flight, `notFound` for an unknown key or rotation, `conflict` for a transition the
/// rotation's recorded state does not allow.
public protocol RotationLedger: Sendable {
    /// Starts a rotation of the key with `plan`. Throws `busy` naming the rotation in flight.
    func beginRotation(name: KeyName, env: EnvironmentName, plan: RotationPlan, actor: String) async throws -> RotationRecord

    /// The key's rotation in flight (not done or aborted), if any.
    func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord?

    /// Rotations, newest first; only those in flight when `inFlightOnly`.
    func rotations(inFlightOnly: Bool) async throws -> [RotationRecord]

    /// Appends a journal line: a step about to start, or how it ended.
    func journal(rotationID: String, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws

    /// Records the new credential: a pending version with its fingerprint, and its sealed secret.
    func recordCreated(rotationID: String, fingerprint: Fingerprint, hint: String, issuerRef: String?, sealedSecret: [UInt8], actor: String) async throws -> RotationRecord

    /// Records what target `index` held before the rotation (sealed), before anything is written to it.
    func recordSnapshot(rotationID: String, targetIndex: Int, sealedValue: [UInt8]?, actor: String) async throws -> RotationRecord

    func recordDeployed(rotationID: String, targetIndex: Int, actor: String) async throws -> RotationRecord

    /// The new secret works: it becomes current, the old one previous, the key `active` with
    /// `rotated_at` now. The rotation waits for grace until `graceUntil` (or deletes at once).
    func recordVerified(rotationID: String, graceUntil: Date, actor: String) async throws -> RotationRecord

    /// Grace is over and the old credential is about to be deleted: from here the rotation can only
    /// go forward (abort is refused).
    func recordDeleteStarting(rotationID: String, actor: String) async throws -> RotationRecord

    /// The old credential is deleted at its issuer: its version is revoked.
    func recordDeleted(rotationID: String, actor: String) async throws -> RotationRecord

    /// Ends the rotation: done, with whether the old secret was still accepted after delete;
    /// sealed secrets and snapshots are wiped.
    func recordDone(rotationID: String, oldStillValid: Bool?, actor: String) async throws -> RotationRecord

    /// The step in `state` failed; `--resume` retries it, `--abort` rolls back.
    func recordFailed(rotationID: String, message: String, actor: String) async throws -> RotationRecord

    /// Ends the rotation as aborted: the new version revoked, the old one current again, secrets wiped.
    func recordAborted(rotationID: String, actor: String) async throws -> RotationRecord

    /// The sealed previous values of the targets, by index.
    func snapshots(rotationID: String) async throws -> [Int: [UInt8]?]

    /// Records the outcome of `keyctl verify` for the key.
    func recordVerification(name: KeyName, env: EnvironmentName, succeeded: Bool, detail: String, actor: String) async throws -> KeyRecord
}

/// How a journalled step attempt stands.
public enum StepPhase: String, Sendable {
    case started, succeeded, failed
}
