/// Why `report` lists a key.
public enum ReportFlag: String, Sendable, CaseIterable, Comparable {
    /// Its age has reached its rotation period.
    case overdue
    /// Its age is within the warning window of its rotation period.
    case due
    /// It was marked compromised.
    case compromised
    /// Its last `keyctl verify` failed: the secret the application uses did not work.
    case verifyFailed = "verify_failed"
    /// Someone who could read it was offboarded after it was last rotated (`keyctl offboard`).
    case offboarding

    /// Critical flags make `report` exit 2; the others exit 1.
    public var isCritical: Bool { self != .due }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
