/// A point a rotation has reached, told to the driver's observer for progress output.
public enum RotationMilestone: Sendable, Equatable {
    /// The rotation was begun (recorded, owned by this process).
    case began
    /// `--resume` found the key's last rotation already done.
    case alreadyDone
    /// A step's outcome was recorded.
    case recorded(RotationEvent)
    /// An abort put the target with this name back to its previous value.
    case restored(target: String)
}
