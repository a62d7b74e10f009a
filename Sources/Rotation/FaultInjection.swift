import Foundation

/// Crash points for testing durability: when `KEYCTL_FAULT` names a point, keyctl kills itself
/// with SIGKILL on reaching it, as a power cut or `kill -9` would. Compiled into every build,
/// inert unless the variable is set.
///
/// Points are `<step>.before` (recorded as started, adapter not called), `<step>.during` (the
/// adapter did its work, the result is not recorded) and `<step>.after` (recorded), with steps
/// `create`, `snapshot.N`, `deploy.N`, `verify`, `delete`, `confirm`, `finish` (N is the target's
/// index from 0).
public struct FaultInjection: Sendable {
    private let point: String?

    public init(environment: [String: String]) {
        point = environment["KEYCTL_FAULT"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static let none = FaultInjection(environment: [:])

    /// Dies here if this is the configured point.
    public func reach(_ name: String) {
        guard name == point else { return }
        kill(getpid(), SIGKILL)
    }
}
