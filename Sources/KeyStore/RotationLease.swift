import Foundation

/// The right to write a rotation: its id and the owner epoch it was taken at. Every ledger write
/// names the lease, and is refused once another process has taken the rotation over (a higher epoch).
public struct RotationLease: Sendable, Equatable {
    public var rotationID: String
    public var epoch: Int

    public init(rotationID: String, epoch: Int) {
        self.rotationID = rotationID
        self.epoch = epoch
    }
}

extension RotationRecord {
    /// The lease this record was read under: the right to write it while its epoch is current.
    public var lease: RotationLease { RotationLease(rotationID: id, epoch: ownerEpoch) }
}
