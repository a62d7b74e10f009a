import Foundation

/// A key measured against its rotation policy at one instant: its age, when it falls due, its flags.
public struct KeyAssessment: Sendable, Equatable {
    public var ageSeconds: Int64
    public var maxAge: TimeSpan
    public var dueAtEpochSeconds: Int64
    /// Sorted: overdue, due, compromised, verify_failed, offboarding.
    public var flags: [ReportFlag]

    /// Assesses `key` as of `asOf`. Age counts from `rotatedAt`, else `createdAt`; the key's own
    /// `maxAge` wins over its environment's policy. A key is `offboarding` when someone who could
    /// read it was offboarded after its age start and no later than `asOf`: rotating it clears the
    /// flag. Retired keys carry no flags.
    public init(key: KeyRecord, policies: PolicyTable, asOf: Date) {
        let policy = policies.policy(for: key.env)
        let start = Timestamp.epochSeconds(key.ageStart)
        maxAge = key.maxAge ?? policy.maxAge
        ageSeconds = Timestamp.epochSeconds(asOf) - start
        dueAtEpochSeconds = start + maxAge.seconds
        var flags: [ReportFlag] = []
        if key.status != .retired {
            if ageSeconds >= maxAge.seconds {
                flags.append(.overdue)
            } else if ageSeconds >= maxAge.seconds - policy.warnWindow.seconds {
                flags.append(.due)
            }
            if key.status == .compromised { flags.append(.compromised) }
            if key.lastVerifyOK == false { flags.append(.verifyFailed) }
            if let offboardedAt = key.offboardedAt, offboardedAt > key.ageStart, offboardedAt <= asOf { flags.append(.offboarding) }
        }
        self.flags = flags
    }

    /// Whole days of age, rounded down (negative for a key dated in the future).
    public var ageDays: Int64 {
        ageSeconds >= 0 ? ageSeconds / 86_400 : -((-ageSeconds + 86_399) / 86_400)
    }
}
