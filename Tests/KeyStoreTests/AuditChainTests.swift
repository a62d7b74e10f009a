import Foundation
import GRDB
import KeyStore
import KeyctlTestSupport
import Testing

struct AuditChainTests {
    /// A registry with five events: four adds and a compromise.
    func registryWithEvents() async throws -> TestRegistry {
        let test = try makeTestRegistry()
        for name in ["a", "b", "c", "d"] {
            _ = try await test.registry.addKey(try draft(name), secret: nil, actor: "alice")
            test.clock.advance(by: .days(1))
        }
        _ = try await test.registry.markCompromised(name: KeyName("b")!, env: EnvironmentName("prod")!, reason: "leak", actor: "ir")
        return test
    }

    func tamper(_ test: TestRegistry, _ sql: String) throws {
        let queue = try DatabaseQueue(path: test.path)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    @Test func anUntouchedChainIsIntact() async throws {
        let test = try await registryWithEvents()
        guard case .intact(let events, let head) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected an intact chain")
            return
        }
        #expect(events == 5)
        #expect(head.count == 64)
    }

    @Test(arguments: [
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", Int64(3)),
        ("UPDATE audit_events SET details = '{}' WHERE seq = 5", 5),
        ("UPDATE audit_events SET at = at + 1 WHERE seq = 2", 2),
    ])
    func anEditedEventIsNamed(sql: String, seq: Int64) async throws {
        let test = try await registryWithEvents()
        try tamper(test, sql)
        guard case .broken(let brokenSeq, _, let reason) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(brokenSeq == seq)
        #expect(reason.contains("edited"))
    }

    @Test func aDeletedEventIsDetected() async throws {
        let test = try await registryWithEvents()
        try tamper(test, "DELETE FROM audit_events WHERE seq = 2")
        guard case .broken(let seq, _, let reason) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 3)
        #expect(reason.contains("missing"))
    }

    @Test func aDeletedAndRenumberedEventIsDetected() async throws {
        let test = try await registryWithEvents()
        try tamper(test, "DELETE FROM audit_events WHERE seq = 2; UPDATE audit_events SET seq = seq - 1 WHERE seq > 2")
        guard case .broken(let seq, _, _) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 2)
    }

    @Test func reorderedEventsAreDetected() async throws {
        let test = try await registryWithEvents()
        try tamper(test, "UPDATE audit_events SET seq = -seq WHERE seq IN (2, 3); UPDATE audit_events SET seq = 3 WHERE seq = -2; UPDATE audit_events SET seq = 2 WHERE seq = -3")
        guard case .broken(let seq, _, _) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 2)
    }

    @Test func eventsNeverContainTheSecret() async throws {
        let test = try makeTestRegistry()
        let secretText = "sk_live_auditsecret_0123456789abcdef"
        _ = try await test.registry.addKey(try draft("k"), secret: try Secret(reading: secretText), actor: "alice")
        _ = try await test.registry.markCompromised(fingerprint: try Secret(reading: secretText).fingerprint, reason: "leak", actor: "ir")
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { event in
            #expect(!event.details.contains(secretText))
            #expect(!event.details.contains("abcdef\""))
        }
    }

    @Test func detailsAreValidJSONWhateverTheTextHolds() async throws {
        let test = try makeTestRegistry()
        _ = try await test.registry.addKey(try draft("k"), secret: nil, actor: "alice")
        let reason = "pasted \"here\"\nand\\there\t\u{1}, ünïcode ✓"
        _ = try await test.registry.markCompromised(name: KeyName("k")!, env: EnvironmentName("prod")!, reason: reason, actor: "ir")
        var decoded: [String: String] = [:]
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { event in
            if event.action == "key.compromise" {
                decoded = (try? JSONSerialization.jsonObject(with: Data(event.details.utf8)) as? [String: String]) ?? [:]
            }
        }
        #expect(decoded["reason"] == reason)
        guard case .intact = try await test.registry.verifyAuditChain() else {
            Issue.record("expected an intact chain")
            return
        }
    }

    @Test func listsEventsByKeyAndSince() async throws {
        let test = try await registryWithEvents()
        var actions: [String] = []
        try await test.registry.forEachAuditEvent(matching: AuditFilter(key: (KeyName("b")!, EnvironmentName("prod")!))) { actions.append($0.action) }
        #expect(actions == ["key.add", "key.compromise"])
        var recent = 0
        try await test.registry.forEachAuditEvent(matching: AuditFilter(since: Timestamp.parse("2026-12-01T12:00:00Z"))) { _ in recent += 1 }
        #expect(recent == 3)
    }
}
