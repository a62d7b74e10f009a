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
        if let point, !Self.isPoint(point) { throw UnknownFaultPoint(name: point, reason: nil) }
    }

    private init() { point = nil }

    public static let none = FaultInjection()

    /// Refuses a point that a rotation with `targets` deploy targets, and a verifier or not, never
    /// reaches (`deploy.3.before` with one target, `finish.before` with a verifier).
    public func check(targets: Int, hasVerifier: Bool) throws(UnknownFaultPoint) {
        guard let point else { return }
        let parts = point.split(separator: ".")
        let reached = switch parts[0] {
        case "snapshot", "deploy": Int(parts[1]).map { $0 < targets } ?? false
        case "confirm": hasVerifier
        case "finish": !hasVerifier
        default: true
        }
        if !reached {
            throw UnknownFaultPoint(name: point, reason: "this rotation never reaches it (\(targets) deploy targets, \(hasVerifier ? "a" : "no") verifier)")
        }
    }

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
            let index = parts[1]
            return (1...4).contains(index.count) && index.allSatisfy { $0.isASCII && $0.isNumber }
                && (index == "0" || !index.hasPrefix("0")) && phases.contains(parts[2])
        default: return false
        }
    }
}

/// `KEYCTL_FAULT` names no crash point, or one the rotation never reaches.
public struct UnknownFaultPoint: Error, CustomStringConvertible, Sendable {
    public let name: String
    /// Why a valid point name is refused for this rotation; nil for a name that is no point.
    public let reason: String?

    public var description: String {
        if let reason { return "KEYCTL_FAULT='\(name.prefix(40))': \(reason)" }
        return "KEYCTL_FAULT='\(name.prefix(40))' names no crash point; points are create|verify|delete|confirm.before|during|after, snapshot|deploy.N.before|during|after and finish.before|after (see docs/rotation.md)"
    }
}
