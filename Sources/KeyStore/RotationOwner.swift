import Foundation

/// The process driving a rotation: recorded when it begins or takes over the rotation, so that
/// another process can tell whether it still runs.
///
/// On the owner's host, `pid` and `processStart` identify it (a pid reused by another process has
/// another start); from another host only the owner's lease tells.
public struct RotationOwner: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var pid: Int32
    /// The process's start, as the host's process table gives it (boot id and start time).
    public var processStart: String

    public init(host: String, pid: Int32, processStart: String) {
        self.host = host
        self.pid = pid
        self.processStart = processStart
    }

    public var description: String { "pid \(pid) on \(host)" }
}

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
