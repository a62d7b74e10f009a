import Testing
import KeyStore
import KeyctlTestSupport
@testable import Exposure

@Suite struct LeakTriageTests {
    private func finding(_ text: String, line: Int) throws -> LeakFinding {
        LeakFinding(evidence: .secret(try Secret(reading: text)), rule: "test-rule", location: LeakLocation(path: "app.env", line: line))
    }

    @Test func registeredSecretsAreCriticalAndOthersUnknown() async throws {
        let test = try makeTestRegistry()
        _ = try await test.registry.addKey(try draft("checkout"), secret: try Secret(reading: "sk_live_registered_0001"), actor: "t")
        let matches = try await LeakTriage(registry: test.registry).match([
            try finding("sk_live_registered_0001", line: 1), try finding("sk_live_somebody_else", line: 2),
        ])
        #expect(matches.map(\.verdict.severity) == [.critical, .unknown])
        guard case .registered(let found) = matches[0].verdict else { Issue.record("not matched"); return }
        #expect(found.key.name.rawValue == "checkout" && found.version.stage == .current)
    }

    @Test func aDetectSecretsHashMatchesTheVersionWhoseSHA1WasRecorded() async throws {
        let test = try makeTestRegistry()
        let secret = try Secret(reading: "sk_live_registered_0001")
        _ = try await test.registry.addKey(try draft("checkout"), secret: secret, actor: "t")
        let location = LeakLocation(path: "settings.py", line: 1)
        let matches = try await LeakTriage(registry: test.registry).match([
            LeakFinding(evidence: .sha1(secret.sha1.rawValue.uppercased()), rule: "Secret Keyword", location: location),
            LeakFinding(evidence: .sha1(try Secret(reading: "sk_live_somebody_else").sha1.rawValue), rule: "Secret Keyword", location: location),
            LeakFinding(evidence: .sha1("not-a-digest"), rule: "Secret Keyword", location: location),
        ])
        #expect(matches.map(\.verdict.severity) == [.critical, .unknown, .unknown])
        guard case .registered(let found) = matches[0].verdict else { Issue.record("not matched"); return }
        #expect(found.version.fingerprint == secret.fingerprint)
    }

    @Test func markingCompromisedWritesOneEventPerKeyNamingTheFirstFinding() async throws {
        let test = try makeTestRegistry()
        _ = try await test.registry.addKey(try draft("checkout"), secret: try Secret(reading: "sk_live_registered_0001"), actor: "t")
        let triage = LeakTriage(registry: test.registry)
        let matches = try await triage.match([
            try finding("sk_live_registered_0001", line: 3), try finding("sk_live_registered_0001", line: 9),
            try finding("sk_live_somebody_else", line: 4),
        ])
        let marked = try await triage.markCompromised(matches, reason: "INC-7", actor: "responder")
        #expect(marked.map(\.key.status) == [.compromised])
        #expect(marked.first?.key.compromiseReason == "INC-7 (test-rule at app.env:3)")
        var compromises = 0
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { if $0.action == "key.compromise" { compromises += 1 } }
        #expect(compromises == 1)
    }
}
