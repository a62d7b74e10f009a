/// Every check of one `keyctl doctor` run, in the order they ran.
public struct DoctorReport: Sendable, Equatable {
    public var checks: [DoctorCheck]

    public init(checks: [DoctorCheck]) {
        self.checks = checks
    }

    /// The worst outcome of any check; `pass` when there is none.
    public var worst: DoctorOutcome {
        checks.map(\.outcome).max() ?? .pass
    }

    /// How many checks came out `outcome`.
    public func count(_ outcome: DoctorOutcome) -> Int {
        checks.count { $0.outcome == outcome }
    }

    /// The checks that came out `outcome`, in the order they ran.
    public func checks(_ outcome: DoctorOutcome) -> [DoctorCheck] {
        checks.filter { $0.outcome == outcome }
    }
}
