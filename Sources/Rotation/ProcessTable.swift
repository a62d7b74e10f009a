import Foundation
import KeyStore

/// Who this process is, and whether the owner of a rotation still runs: the seam through which a
/// second `keyctl` decides that a rotation's owner is alive (exit 75) or gone (take over).
public protocol ProcessTable: Sendable {
    /// This process, as recorded when it begins or takes over a rotation.
    var currentProcess: RotationOwner { get }

    /// Whether `owner` still runs: true or false for a process on this host, nil for a process on
    /// another host, of which only its lease can tell.
    func isRunning(_ owner: RotationOwner) -> Bool?
}

/// The host's real process table, read from `/proc`: a process is identified by its pid and its
/// start (the boot id and the start time in clock ticks), so a reused pid is not mistaken for it.
/// A stopped (paused) process still runs.
public struct LocalProcessTable: ProcessTable {
    public let currentProcess: RotationOwner

    public init() {
        let pid = getpid()
        currentProcess = RotationOwner(host: Self.hostName(), pid: pid, processStart: Self.start(of: pid) ?? "unknown")
    }

    public func isRunning(_ owner: RotationOwner) -> Bool? {
        guard owner.host == currentProcess.host else { return nil }
        guard let start = Self.start(of: owner.pid) else { return false }
        return start == owner.processStart
    }

    /// The boot id and start time of `pid`, nil when no such process exists.
    static func start(of pid: Int32) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards)
        else { return nil }
        // Fields after the command name start with the state (field 3); the start time is field 22.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 19 else { return nil }
        let boot = (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown-boot"
        return "\(boot)/\(fields[19])"
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
