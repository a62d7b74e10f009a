/// How many keys `report` flagged, per flag, and how bad that is.
public struct ReportSummary: Sendable, Equatable {
    public private(set) var counts: [ReportFlag: Int] = [:]

    public init() {}

    public mutating func count(_ flags: [ReportFlag]) {
        for flag in flags { counts[flag, default: 0] += 1 }
    }

    public subscript(flag: ReportFlag) -> Int { counts[flag] ?? 0 }

    public var isEmpty: Bool { counts.values.allSatisfy { $0 == 0 } }

    /// `.critical` when any critical flag was counted, `.warning` for `due` alone, else `.ok`.
    public var severity: Severity {
        if counts.contains(where: { $0.key.isCritical && $0.value > 0 }) { return .critical }
        return self[.due] > 0 ? .warning : .ok
    }

    public enum Severity: Sendable, Equatable {
        case ok, warning, critical
    }
}
