import Foundation
import KeyStore

/// What the rotation driver must do next.
public enum RotationAction: Sendable, Equatable {
    case create
    /// Read what target `target` holds, before anything is written to it.
    case snapshot(target: Int)
    case deploy(target: Int)
    case verify
    /// The new secret is live everywhere; the old one stays valid until `until`.
    case waitForGrace(until: Date)
    /// Grace is over: record the point of no return, then delete the old credential.
    case delete
    /// Check that the old secret is now rejected.
    case confirmRevocation
    case finish
    /// The rotation has ended.
    case none
}

/// What happened, fed back to the machine once it is recorded.
public enum RotationEvent: Sendable, Equatable {
    case created
    case snapshotTaken(target: Int)
    case deployed(target: Int)
    case verified(graceUntil: Date)
    case deleted
    case revocationChecked
    case finished
}

/// How to roll back a rotation that has not passed its point of no return.
public struct AbortPlan: Sendable, Equatable {
    /// Targets to put back to their snapshot, last deployed first.
    public var restoreTargets: [Int]
    /// Whether the new credential was recorded; if not, it is deleted by its idempotency key,
    /// in case the issuer created it just before a crash.
    public var newCredentialRecorded: Bool
}

/// The rotation state machine: `create → snapshot/deploy each target → verify → grace → delete →
/// confirm → done`. Pure: no I/O, no clock of its own. The driver performs each action, records the
/// result, and feeds the event back; an event the current state does not expect is an error.
public struct RotationMachine: Sendable, Equatable {
    private enum State: Sendable, Equatable {
        case creating
        case deploying(target: Int, snapshotTaken: Bool)
        case verifying
        case inGrace(until: Date)
        case deleting
        case confirming
        case ended
    }

    private var state: State
    private let targetCount: Int
    private let hasVerifier: Bool
    private let created: Bool

    /// The machine for a rotation as recorded (a failed rotation resumes at the step that failed).
    public init(record: RotationRecord) {
        targetCount = record.targets.count
        hasVerifier = record.verifier != nil
        created = record.newVersionID != nil
        switch record.resumeState {
        case .create: state = .creating
        case .deploy:
            state = record.deployedCount >= record.targets.count
                ? .verifying
                : .deploying(target: record.deployedCount, snapshotTaken: record.snapshotsTaken > record.deployedCount)
        case .verify: state = .verifying
        case .grace: state = .inGrace(until: record.graceUntil ?? .distantPast)
        case .delete: state = .deleting
        case .confirm: state = .confirming
        case .done, .aborted, .failed: state = .ended
        }
    }

    /// The action to perform now.
    public func nextAction(now: Date) -> RotationAction {
        switch state {
        case .creating: .create
        case .deploying(let target, false): .snapshot(target: target)
        case .deploying(let target, true): .deploy(target: target)
        case .verifying: .verify
        case .inGrace(let until): now >= until ? .delete : .waitForGrace(until: until)
        case .deleting: .delete
        case .confirming: hasVerifier ? .confirmRevocation : .finish
        case .ended: .none
        }
    }

    /// Moves past a recorded event. Throws `RotationError.invalidTransition` for an event the
    /// current state does not expect (a bug, or two processes driving one rotation).
    public mutating func handle(_ event: RotationEvent) throws(RotationError) {
        switch (state, event) {
        case (.creating, .created):
            state = targetCount > 0 ? .deploying(target: 0, snapshotTaken: false) : .verifying
        case (.deploying(let target, false), .snapshotTaken(let taken)) where taken == target:
            state = .deploying(target: target, snapshotTaken: true)
        case (.deploying(let target, true), .deployed(let deployed)) where deployed == target:
            state = target + 1 < targetCount ? .deploying(target: target + 1, snapshotTaken: false) : .verifying
        case (.verifying, .verified(let until)):
            state = .inGrace(until: until)
        case (.inGrace, .deleted), (.deleting, .deleted):
            state = .confirming
        case (.confirming, .revocationChecked), (.confirming, .finished):
            state = .ended
        default:
            throw RotationError.invalidTransition(state: "\(state)", event: "\(event)")
        }
    }

    /// True once the old credential's deletion may have begun: abort is no longer possible.
    public var isPastPointOfNoReturn: Bool {
        switch state {
        case .deleting, .confirming, .ended: true
        default: false
        }
    }

    /// How to roll back from here. Throws `RotationError.tooLateToAbort` past the point of no return.
    public func abortPlan(snapshotsTaken: Int) throws(RotationError) -> AbortPlan {
        guard !isPastPointOfNoReturn else { throw RotationError.tooLateToAbort }
        return AbortPlan(restoreTargets: Array((0..<snapshotsTaken).reversed()), newCredentialRecorded: created)
    }
}

/// A rotation that cannot proceed as asked.
public enum RotationError: Error, CustomStringConvertible, Sendable, Equatable {
    case invalidTransition(state: String, event: String)
    case tooLateToAbort

    public var description: String {
        switch self {
        case .invalidTransition(let state, let event):
            "the rotation cannot go from \(state) on \(event); another process may be driving it"
        case .tooLateToAbort:
            "the old credential is being deleted: the rotation can no longer be aborted; finish it with --resume"
        }
    }
}
