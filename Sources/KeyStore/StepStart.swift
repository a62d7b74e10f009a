/// A step that a rotation starts next, journalled in the same transaction that records the step
/// before it: the start is on record before the step's outside call, without a transaction of its own.
public struct StepStart: Sendable, Equatable {
    public var step: RotationState
    /// The target or verifier the step works on, when it has one.
    public var target: String?

    public init(_ step: RotationState, target: String? = nil) {
        self.step = step
        self.target = target
    }

    /// The step `RotationLedger.beginRotation` journals as started with the rotation.
    public static let begun = StepStart(.create)
}
