import Foundation

/// The durable record of rotations: every method is one transaction together with its audit event,
/// so a rotation killed at any instant resumes from exactly what was recorded.
///
/// A rotation in flight belongs to one process at a time, its owner: every write names the
/// `RotationLease` it holds and is refused (`busy`) once another process has taken the rotation
/// over, so a paused owner that wakes up cannot write. The owner renews its lease while it works;
/// lease expiries are compared on the store's clock.
///
/// Methods throw `KeyStoreError`: `rotationInFlight` (category `busy`) when the key already has a
/// rotation in flight, `busy` when the lease was lost, `notFound` for an unknown key or rotation,
/// `conflict` for a transition the rotation's recorded state does not allow.
public protocol RotationLedger: Sendable {
    /// Starts a rotation of the key with `plan`, owned by `owner` for `lease` seconds, and
    /// journals its first step, create, as started (`StepStart.begun`). Throws `busy` naming the rotation in flight. With `unlessBegunSince` (a batch's choice of
    /// keys), throws `superseded` when a rotation of the key began at or after that time: another
    /// run rotated it after the batch chose it, and rotating it again would be a second rotation.
    func beginRotation(
        name: KeyName, env: EnvironmentName, plan: RotationPlan, owner: RotationOwner, lease: TimeSpan,
        unlessBegunSince: Date?, actor: String
    ) async throws -> RotationRecord

    /// Makes `owner` the owner of the rotation with a new epoch and a lease of `lease`, when no
    /// process drives it, its owner's lease has expired, or `deadOwnerEpoch` is its epoch (the caller
    /// saw that its owner, on this host, no longer runs). Throws `busy` naming the owner otherwise.
    func claimRotation(
        _ rotationID: String, for owner: RotationOwner, deadOwnerEpoch: Int?, lease: TimeSpan, actor: String
    ) async throws -> RotationRecord

    /// Extends the lease to `lease` from now. Throws `busy` when another process took the rotation.
    func renewLease(_ lease: RotationLease, for duration: TimeSpan) async throws

    /// Lets the rotation go (its owner stops driving it): another process may claim it at once.
    /// Does nothing once another process took it.
    func releaseLease(_ lease: RotationLease) async throws

    /// The key's rotation in flight (not done or aborted), if any.
    func rotationInFlight(name: KeyName, env: EnvironmentName) async throws -> RotationRecord?

    /// The key's newest rotation, in flight or ended, if it ever had one.
    func latestRotation(name: KeyName, env: EnvironmentName) async throws -> RotationRecord?

    /// Rotations, newest first; only those in flight when `inFlightOnly`.
    func rotations(inFlightOnly: Bool) async throws -> [RotationRecord]

    /// Appends a journal line: a step about to start, or how it ended.
    func journal(_ lease: RotationLease, step: RotationState, target: String?, phase: StepPhase, detail: String?) async throws

    /// Records the new credential: a pending version with its fingerprint and SHA-1, and its sealed
    /// secret. With `snapshotEmpty`, the first target cannot be read back: its snapshot is recorded
    /// empty in the same transaction (there is nothing to read, so nothing happens between the two),
    /// and `next`, its deploy, is journalled as started.
    func recordCreated(
        _ lease: RotationLease, fingerprint: Fingerprint, sha1: SecretSHA1, hint: String, issuerRef: String?, sealedSecret: [UInt8],
        snapshotEmpty: Bool, then next: StepStart?, actor: String
    ) async throws -> RotationRecord

    /// Records what target `index` held before the rotation (sealed), before anything is written to
    /// it, and journals `next` as started.
    func recordSnapshot(_ lease: RotationLease, targetIndex: Int, sealedValue: [UInt8]?, then next: StepStart?, actor: String) async throws -> RotationRecord

    /// Records that target `index` holds the new secret, and journals `next` as started. With
    /// `snapshotEmpty`, the following target cannot be read back: its snapshot is recorded empty
    /// in the same transaction, before `next`, its deploy, is journalled.
    func recordDeployed(_ lease: RotationLease, targetIndex: Int, snapshotEmpty: Bool, then next: StepStart?, actor: String) async throws -> RotationRecord

    /// The new secret works: it becomes current, the old one previous, the key `active` with
    /// `rotated_at` now. The rotation waits for grace until `graceUntil`: until its delete starts,
    /// it can still be aborted, even without grace.
    func recordVerified(_ lease: RotationLease, graceUntil: Date, actor: String) async throws -> RotationRecord

    /// Grace is over and the old credential is about to be deleted: from here the rotation can only
    /// go forward (abort is refused).
    func recordDeleteStarting(_ lease: RotationLease, actor: String) async throws -> RotationRecord

    /// The old credential is deleted at its issuer: its version is revoked. With `finishing`, no
    /// check that the old secret is rejected follows, and the rotation ends in the same transaction
    /// (as `recordDone` without a revocation check).
    func recordDeleted(_ lease: RotationLease, finishing: Bool, actor: String) async throws -> RotationRecord

    /// Ends the rotation: done, with what the check that the old secret is rejected found;
    /// sealed secrets and snapshots are wiped and the owner lets it go (as `releaseLease`).
    func recordDone(_ lease: RotationLease, revocation: RevocationCheck?, actor: String) async throws -> RotationRecord

    /// The step in `state` failed; `--resume` retries it, `--abort` rolls back. The owner lets it go.
    func recordFailed(_ lease: RotationLease, message: String, actor: String) async throws -> RotationRecord

    /// Ends the rotation as aborted: the new version revoked, the old one current again, secrets
    /// wiped, the owner gone.
    func recordAborted(_ lease: RotationLease, actor: String) async throws -> RotationRecord

    /// The sealed previous values of the targets, by index.
    func snapshots(rotationID: String) async throws -> [Int: [UInt8]?]

    /// Records the outcome of `keyctl verify` for the key.
    func recordVerification(name: KeyName, env: EnvironmentName, succeeded: Bool, detail: String, actor: String) async throws -> KeyRecord
}

/// How a journalled step attempt stands.
public enum StepPhase: String, Sendable {
    case started, succeeded, failed
}
