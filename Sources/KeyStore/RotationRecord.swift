import Foundation

/// Where a rotation stands; stored as text in `rotations.state`.
public enum RotationState: String, Sendable, CaseIterable {
    case create, deploy, verify, grace, delete, confirm, done, failed, aborted

    /// A rotation in these states holds its key: no other rotation of it may start.
    public var isInFlight: Bool { self != .done && self != .aborted }
}

/// One durable run of the rotation state machine for a key, as persisted.
public struct RotationRecord: Sendable, Equatable {
    public var id: String
    public var keyName: KeyName
    public var env: EnvironmentName
    public var state: RotationState
    /// While `state` is `failed`: the state it failed in, which `--resume` retries.
    public var failedStep: RotationState?
    public var failure: String?
    public var emergency: Bool
    public var grace: TimeSpan
    public var graceUntil: Date?
    public var issuer: String
    public var targets: [String]
    public var verifier: String?
    public var idempotencyKey: String
    public var oldVersionID: String?
    public var newVersionID: String?
    /// The new secret sealed with the custody key; nil before create and after the end.
    public var sealedSecret: [UInt8]?
    public var snapshotsTaken: Int
    public var deployedCount: Int
    /// True once the new version is current and the old one previous.
    public var promoted: Bool
    /// After delete: what the check that the old secret is rejected found (nil when not checked).
    public var revocation: RevocationCheck?
    /// The process driving the rotation, while one does (nil once it stopped cleanly).
    public var owner: RotationOwner?
    /// Incremented each time a process takes the rotation: the fencing token of every write.
    public var ownerEpoch: Int
    /// Until when the owner's lease holds, unless renewed; nil when no process drives the rotation.
    public var leaseUntil: Date?
    public var actor: String
    public var startedAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(
        id: String,
        keyName: KeyName,
        env: EnvironmentName,
        state: RotationState,
        failedStep: RotationState?,
        failure: String?,
        emergency: Bool,
        grace: TimeSpan,
        graceUntil: Date?,
        issuer: String,
        targets: [String],
        verifier: String?,
        idempotencyKey: String,
        oldVersionID: String?,
        newVersionID: String?,
        sealedSecret: [UInt8]?,
        snapshotsTaken: Int,
        deployedCount: Int,
        promoted: Bool,
        revocation: RevocationCheck?,
        owner: RotationOwner? = nil,
        ownerEpoch: Int = 0,
        leaseUntil: Date? = nil,
        actor: String,
        startedAt: Date,
        updatedAt: Date,
        finishedAt: Date?
    ) {
        self.id = id
        self.keyName = keyName
        self.env = env
        self.state = state
        self.failedStep = failedStep
        self.failure = failure
        self.emergency = emergency
        self.grace = grace
        self.graceUntil = graceUntil
        self.issuer = issuer
        self.targets = targets
        self.verifier = verifier
        self.idempotencyKey = idempotencyKey
        self.oldVersionID = oldVersionID
        self.newVersionID = newVersionID
        self.sealedSecret = sealedSecret
        self.snapshotsTaken = snapshotsTaken
        self.deployedCount = deployedCount
        self.promoted = promoted
        self.revocation = revocation
        self.owner = owner
        self.ownerEpoch = ownerEpoch
        self.leaseUntil = leaseUntil
        self.actor = actor
        self.startedAt = startedAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
    }

    /// The state that `--resume` continues from: the failed step, or the current state.
    public var resumeState: RotationState { state == .failed ? (failedStep ?? .create) : state }

    /// The name of target `index`, for audit events and progress lines ("?" when the rotation has
    /// no such target).
    public func target(at index: Int) -> String { targets.indices.contains(index) ? targets[index] : "?" }
}

/// What a new rotation will do, fixed when it begins so that a resume follows the same plan.
public struct RotationPlan: Sendable, Equatable {
    public var issuer: String
    public var targets: [String]
    public var verifier: String?
    public var grace: TimeSpan
    public var emergency: Bool

    public init(issuer: String, targets: [String], verifier: String?, grace: TimeSpan, emergency: Bool) {
        self.issuer = issuer
        self.targets = targets
        self.verifier = verifier
        self.grace = grace
        self.emergency = emergency
    }
}

extension RotationRecord {
    /// Once the old credential's deletion may have started, rolling back is no longer possible.
    public var isPastPointOfNoReturn: Bool { [.delete, .confirm, .done].contains(resumeState) }
}
