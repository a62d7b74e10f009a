import Foundation
import GRDB
import KeyStore
import KeyctlTestSupport
import Testing

struct AuditChainTests {
    /// A registry with five events: four adds and a compromise.
    func registryWithEvents(_ store: StoreKind) async throws -> TestRegistry {
        let test = try await makeTestRegistry(store)
        for name in ["a", "b", "c", "d"] {
            _ = try await test.registry.addKey(try draft(name), secret: nil, actor: "alice")
            test.clock.advance(by: .days(1))
        }
        _ = try await test.registry.markCompromised(name: KeyName("b")!, env: EnvironmentName("prod")!, reason: "leak", actor: "ir")
        return test
    }

    /// Runs `sql` on the registry behind keyctl's back: through GRDB on the SQLite file, as the
    /// database's superuser on PostgreSQL (one statement at a time).
    func tamper(_ test: TestRegistry, _ sql: String) throws {
        if let database = test.postgres {
            for statement in sql.split(separator: ";") { try database.execute(String(statement)) }
            return
        }
        let queue = try DatabaseQueue(path: test.path)
        try queue.write { db in try db.execute(sql: sql) }
        try queue.close()
    }

    @Test(arguments: StoreKind.allCases) func anUntouchedChainIsIntact(store: StoreKind) async throws {
        let test = try await registryWithEvents(store)
        guard case .intact(let events, let head) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected an intact chain")
            return
        }
        #expect(events == 5)
        #expect(head.count == 64)
    }

    @Test(arguments: StoreKind.allCases, [
        ("UPDATE audit_events SET actor = 'mallory' WHERE seq = 3", Int64(3)),
        ("UPDATE audit_events SET details = '{}' WHERE seq = 5", 5),
        ("UPDATE audit_events SET at = at + 1 WHERE seq = 2", 2),
    ])
    func anEditedEventIsNamed(store: StoreKind, edit: (sql: String, seq: Int64)) async throws {
        let test = try await registryWithEvents(store)
        try tamper(test, edit.sql)
        guard case .broken(let brokenSeq, _, let reason) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(brokenSeq == edit.seq)
        #expect(reason.contains("edited"))
    }

    @Test(arguments: StoreKind.allCases) func aDeletedEventIsDetected(store: StoreKind) async throws {
        let test = try await registryWithEvents(store)
        try tamper(test, "DELETE FROM audit_events WHERE seq = 2")
        guard case .broken(let seq, _, let reason) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 3)
        #expect(reason.contains("missing"))
    }

    @Test(arguments: StoreKind.allCases) func aDeletedAndRenumberedEventIsDetected(store: StoreKind) async throws {
        let test = try await registryWithEvents(store)
        try tamper(test, "DELETE FROM audit_events WHERE seq = 2; UPDATE audit_events SET seq = seq - 1 WHERE seq > 2")
        guard case .broken(let seq, _, _) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 2)
    }

    @Test(arguments: StoreKind.allCases) func reorderedEventsAreDetected(store: StoreKind) async throws {
        let test = try await registryWithEvents(store)
        try tamper(test, "UPDATE audit_events SET seq = -seq WHERE seq IN (2, 3); UPDATE audit_events SET seq = 3 WHERE seq = -2; UPDATE audit_events SET seq = 2 WHERE seq = -3")
        guard case .broken(let seq, _, _) = try await test.registry.verifyAuditChain() else {
            Issue.record("expected a broken chain")
            return
        }
        #expect(seq == 2)
    }

    @Test(arguments: StoreKind.allCases) func eventsNeverContainTheSecret(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let secretText = "sk_live_auditsecret_0123456789abcdef"
        _ = try await test.registry.addKey(try draft("k"), secret: try Secret(reading: secretText), actor: "alice")
        _ = try await test.registry.markCompromised(fingerprint: try Secret(reading: secretText).fingerprint, reason: "leak", actor: "ir")
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { event in
            #expect(!event.details.contains(secretText))
            #expect(!event.details.contains("abcdef\""))
        }
    }

    @Test(arguments: StoreKind.allCases) func detailsAreValidJSONWhateverTheTextHolds(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
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

    @Test(arguments: StoreKind.allCases) func listsEventsByKeyAndSince(store: StoreKind) async throws {
        let test = try await registryWithEvents(store)
        var actions: [String] = []
        try await test.registry.forEachAuditEvent(matching: AuditFilter(key: (KeyName("b")!, EnvironmentName("prod")!))) { actions.append($0.action) }
        #expect(actions == ["key.add", "key.compromise"])
        var recent = 0
        try await test.registry.forEachAuditEvent(matching: AuditFilter(since: Timestamp.parse("2026-12-01T12:00:00Z"))) { _ in recent += 1 }
        #expect(recent == 3)
    }
}
