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
