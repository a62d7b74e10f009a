import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

struct KeyAssessmentTests {
    let asOf = Timestamp.parse("2026-11-29T00:00:00Z")!

    func record(created: String, rotated: String? = nil, env: String = "prod", maxAge: String? = nil, status: KeyStatus = .active) throws -> KeyRecord {
        KeyRecord(
            name: KeyName("checkout")!, env: EnvironmentName(env)!, scopes: try ScopeSet(parsing: "*"), owner: nil,
            description: nil, labels: [:], status: status, createdAt: Timestamp.parse(created)!,
            rotatedAt: rotated.flatMap(Timestamp.parse), maxAge: maxAge.flatMap(TimeSpan.init))
    }

    @Test(arguments: [
        // created (days before as-of) -> flags under the default 90d / 14d policy
        ("2026-08-31T00:00:00Z", [ReportFlag.overdue]),  // exactly 90 days: overdue
        ("2026-08-31T00:00:01Z", [.due]),                // one second short of 90 days
        ("2026-09-14T00:00:00Z", [.due]),                // 76 days: first day of the warning window
        ("2026-09-14T00:00:01Z", []),                    // just outside it
        ("2026-11-28T00:00:00Z", []),
    ])
    func flagsByAgeUnderTheDefaultPolicy(created: String, expected: [ReportFlag]) throws {
        let assessment = KeyAssessment(key: try record(created: created), policies: PolicyTable(), asOf: asOf)
        #expect(assessment.flags == expected)
    }

    @Test func ageCountsFromTheLastRotation() throws {
        let key = try record(created: "2025-01-01", rotated: "2026-11-01")
        let assessment = KeyAssessment(key: key, policies: PolicyTable(), asOf: asOf)
        #expect(assessment.ageDays == 28)
        #expect(assessment.flags.isEmpty)
        #expect(Timestamp.format(epochSeconds: assessment.dueAtEpochSeconds) == "2027-01-30T00:00:00Z")
    }

    @Test func environmentPolicyOverridesTheDefaultAndTheKeysOwnWinsOverBoth() throws {
        let policies = PolicyTable(overrides: [EnvironmentName("prod")!: RotationPolicy(maxAge: .days(30), warnWindow: .days(7))])
        #expect(KeyAssessment(key: try record(created: "2026-10-25"), policies: policies, asOf: asOf).flags == [.overdue])
        #expect(KeyAssessment(key: try record(created: "2026-10-25", env: "dev"), policies: policies, asOf: asOf).flags == [])
        #expect(KeyAssessment(key: try record(created: "2026-11-01"), policies: policies, asOf: asOf).flags == [.due])
        #expect(KeyAssessment(key: try record(created: "2026-10-25", maxAge: "60d"), policies: policies, asOf: asOf).flags == [])
    }

    @Test func compromisedKeysAreFlaggedWhateverTheirAgeAndRetiredKeysNever() throws {
        #expect(KeyAssessment(key: try record(created: "2026-11-28", status: .compromised), policies: PolicyTable(), asOf: asOf).flags == [.compromised])
        #expect(KeyAssessment(key: try record(created: "2020-01-01", status: .compromised), policies: PolicyTable(), asOf: asOf).flags == [.overdue, .compromised])
        #expect(KeyAssessment(key: try record(created: "2020-01-01", status: .retired), policies: PolicyTable(), asOf: asOf).flags == [])
    }

    @Test func summarySeverityFollowsTheSpecsExitCodes() {
        var summary = ReportSummary()
        #expect(summary.severity == .ok)
        summary.count([.due])
        #expect(summary.severity == .warning)
        summary.count([.compromised])
        #expect(summary.severity == .critical)
    }
}
