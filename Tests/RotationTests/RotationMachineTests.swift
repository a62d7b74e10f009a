import Foundation
import KeyStore
import Rotation
import Testing

struct RotationMachineTests {
    func record(_ state: RotationState, targets: Int = 2, deployed: Int = 0, snapshots: Int = 0, failedStep: RotationState? = nil,
                graceUntil: Date? = nil, verifier: String? = "api", created: Bool = true) -> RotationRecord {
        RotationRecord(
            id: "r", keyName: KeyName("checkout")!, env: EnvironmentName("prod")!, state: state, failedStep: failedStep, failure: nil,
            emergency: false, grace: TimeSpan(seconds: 3600), graceUntil: graceUntil, issuer: "local",
            targets: (0..<targets).map { "t\($0)" }, verifier: verifier, idempotencyKey: "k", oldVersionID: "old",
            newVersionID: created ? "new" : nil, sealedSecret: nil, snapshotsTaken: snapshots, deployedCount: deployed, promoted: false,
            revocation: nil, actor: "a", startedAt: Date(timeIntervalSince1970: 0), updatedAt: Date(timeIntervalSince1970: 0), finishedAt: nil)
    }

    let now = Date(timeIntervalSince1970: 1_000_000)

    @Test func walksEveryStepInOrder() throws {
        var machine = RotationMachine(record: record(.create, created: false))
        var actions: [RotationAction] = []
        let graceUntil = now.addingTimeInterval(60)
        let events: [RotationEvent] = [
            .created, .snapshotTaken(target: 0), .deployed(target: 0), .snapshotTaken(target: 1), .deployed(target: 1),
            .verified(graceUntil: graceUntil), .deleted, .revocationChecked,
        ]
        for event in events {
            actions.append(machine.nextAction(now: now))
            try machine.handle(event)
        }
        actions.append(machine.nextAction(now: now))
        #expect(actions == [
            .create, .snapshot(target: 0), .deploy(target: 0), .snapshot(target: 1), .deploy(target: 1), .verify,
            .waitForGrace(until: graceUntil), .confirmRevocation, .none,
        ])
    }

    @Test func graceEndsAtItsDeadline() {
        let until = now.addingTimeInterval(60)
        let machine = RotationMachine(record: record(.grace, graceUntil: until))
        #expect(machine.nextAction(now: now) == .waitForGrace(until: until))
        #expect(machine.nextAction(now: until) == .delete)
    }

    @Test func withoutAVerifierThereIsNothingToConfirm() {
        #expect(RotationMachine(record: record(.confirm, verifier: nil)).nextAction(now: now) == .finish)
    }

    @Test(arguments: [
        (RotationState.create, 0, 0, RotationAction.create),
        (.deploy, 0, 0, .snapshot(target: 0)),
        (.deploy, 0, 1, .deploy(target: 0)),
        (.deploy, 1, 1, .snapshot(target: 1)),
        (.deploy, 1, 2, .deploy(target: 1)),
        (.verify, 2, 2, .verify),
        (.delete, 2, 2, .delete),
    ])
    func aFailedRotationResumesAtTheStepThatFailed(step: RotationState, deployed: Int, snapshots: Int, expected: RotationAction) {
        let machine = RotationMachine(record: record(.failed, deployed: deployed, snapshots: snapshots, failedStep: step))
        #expect(machine.nextAction(now: now) == expected)
    }

    @Test func unexpectedEventsAreErrorsNotCrashes() {
        var machine = RotationMachine(record: record(.deploy))
        #expect(throws: RotationError.self) { try machine.handle(.deployed(target: 0)) }
        #expect(throws: RotationError.self) { try machine.handle(.snapshotTaken(target: 1)) }
        #expect(throws: RotationError.self) { try machine.handle(.verified(graceUntil: now)) }
        var ended = RotationMachine(record: record(.done))
        #expect(throws: RotationError.self) { try ended.handle(.created) }
    }

    @Test func abortRestoresTouchedTargetsLastFirstAndIsRefusedOnceDeleteStarts() throws {
        let plan = try RotationMachine(record: record(.deploy, deployed: 1, snapshots: 2)).abortPlan(snapshotsTaken: 2)
        #expect(plan.restoreTargets == [1, 0])
        #expect(plan.newCredentialRecorded)
        #expect(try RotationMachine(record: record(.create, created: false)).abortPlan(snapshotsTaken: 0).newCredentialRecorded == false)
        for state in [RotationState.delete, .confirm] {
            #expect(throws: RotationError.tooLateToAbort) { try RotationMachine(record: record(state)).abortPlan(snapshotsTaken: 2) }
        }
        #expect(throws: RotationError.tooLateToAbort) {
            try RotationMachine(record: record(.failed, failedStep: .delete)).abortPlan(snapshotsTaken: 2)
        }
    }
}
