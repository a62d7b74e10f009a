import Foundation
import KeyStore
import Rotation

/// A process table for ownership tests: this process is `current`, and the processes it reports
/// running are the ones marked so, on the host named `host`; other hosts are unknown.
public final class FakeProcessTable: ProcessTable, @unchecked Sendable {
    private let lock = NSLock()
    private var running: [RotationOwner]
    public let currentProcess: RotationOwner

    public init(_ current: RotationOwner, running: [RotationOwner] = []) {
        currentProcess = current
        self.running = running + [current]
    }

    /// A process `pid` on `host`.
    public static func process(_ pid: Int32, on host: String = "host-a") -> RotationOwner {
        RotationOwner(host: host, pid: pid, processStart: "boot/\(pid)")
    }

    public func isRunning(_ owner: RotationOwner) -> Bool? {
        guard owner.host == currentProcess.host else { return nil }
        return lock.withLock { running.contains(owner) }
    }

    /// The process ends (killed, or exited).
    public func end(_ owner: RotationOwner) {
        lock.withLock { running.removeAll { $0 == owner } }
    }
}
