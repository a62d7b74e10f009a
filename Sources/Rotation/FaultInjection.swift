import Foundation

/// Crash points for testing durability: when `KEYCTL_FAULT` names a point, keyctl kills itself
/// with SIGKILL on reaching it, as a power cut or `kill -9` would. Compiled into every build,
/// inert unless the variable is set; a name that is not a point is refused, so that a crash test
/// cannot pass without crashing.
///
/// Points are `<step>.before` (recorded as started, adapter not called), `<step>.during` (the
/// adapter did its work, the result is not recorded) and `<step>.after` (recorded), with steps
/// `create`, `snapshot.N`, `deploy.N`, `verify`, `delete` and `confirm` (N is the target's index
/// from 0, in the order of the key's `targets`); and `finish.before`/`finish.after` around
/// recording the end of a rotation that has no verifier (no adapter is called there).
public struct FaultInjection: Sendable {
    private let point: String?

    /// Reads `KEYCTL_FAULT`. Throws `UnknownFaultPoint` for a name that is not a point.
    public init(environment: [String: String]) throws(UnknownFaultPoint) {
        point = environment["KEYCTL_FAULT"].flatMap { $0.isEmpty ? nil : $0 }
        if let point, !Self.isPoint(point) { throw UnknownFaultPoint(name: point) }
    }

    private init() { point = nil }

    public static let none = FaultInjection()

    /// Dies here if this is the configured point.
    public func reach(_ name: String) {
        guard name == point else { return }
        kill(getpid(), SIGKILL)
    }

    static func isPoint(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let phases = ["before", "during", "after"]
        switch parts.count {
        case 2 where ["create", "verify", "delete", "confirm"].contains(parts[0]): return phases.contains(parts[1])
        case 2 where parts[0] == "finish": return parts[1] == "before" || parts[1] == "after"
        case 3 where parts[0] == "snapshot" || parts[0] == "deploy":
            return (1...4).contains(parts[1].count) && parts[1].allSatisfy { $0.isASCII && $0.isNumber } && phases.contains(parts[2])
        default: return false
        }
    }
}

/// `KEYCTL_FAULT` names no crash point.
public struct UnknownFaultPoint: Error, CustomStringConvertible, Sendable {
    public let name: String

    public var description: String {
        "KEYCTL_FAULT='\(name.prefix(40))' names no crash point; points are create|verify|delete|confirm.before|during|after, snapshot|deploy.N.before|during|after and finish.before|after (see docs/rotation.md)"
    }
}
