/// How one check came out, best first: `worst` of a report decides `keyctl doctor`'s exit code.
public enum DoctorOutcome: String, Sendable, Comparable, CaseIterable {
    /// Nothing to do.
    case pass
    /// Hygiene to fix soon, or something the doctor could not check.
    case warn
    /// A security problem to fix now.
    case fail

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
