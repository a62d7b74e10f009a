import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

struct AccessRegistryTests {
    let alice = Principal("alice@example.com")!
    let bob = Principal("bob@example.com")!

    func key(_ name: String, _ env: String = "prod") -> KeyReference { KeyReference(KeyName(name)!, EnvironmentName(env)!) }

    func events(_ test: TestRegistry) async throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { events.append($0) }
        return events
    }

    @Test(arguments: StoreKind.allCases) func revokingKeepsTheGrantAsHistoryAndEachChangeWritesOneEvent(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "admin")
        let granted = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: "on call", actor: "admin")
        #expect(granted.isActive && granted.grantedBy == "admin" && granted.reason == "on call")
        test.clock.advance(by: .days(3))
        let revoked = try await test.registry.revokeAccess(of: alice, on: key("checkout"), reason: "moved team", actor: "lead")
        #expect(revoked.revokedAt == test.clock.now() && revoked.revokedBy == "lead" && revoked.revokeReason == "moved team")

        #expect(try await test.registry.accessGrants(matching: AccessFilter(key: key("checkout"))).isEmpty)
        let history = try await test.registry.accessGrants(matching: AccessFilter(principal: alice, includeRevoked: true))
        #expect(history == [revoked])
        let actions = try await events(test).map(\.action)
        #expect(actions == ["key.add", "access.grant", "access.revoke"])
        #expect(try await events(test).last?.details == #"{"principal":"alice@example.com","reason":"moved team"}"#)

        // A new grant after the revoke is a second record; the first stays.
        _ = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: nil, actor: "admin")
        #expect(try await test.registry.accessGrants(matching: AccessFilter(includeRevoked: true)).count == 2)
    }

    @Test(arguments: StoreKind.allCases) func aSecondGrantInForceIsAConflictAndWritesNothing(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "admin")
        _ = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: nil, actor: "admin")
        let before = try await events(test).count
        await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.grantAccess(to: Principal("ALICE@example.com")!, on: key("checkout"), reason: nil, actor: "admin")
        }
        #expect(try await events(test).count == before)
    }

    @Test(arguments: StoreKind.allCases) func revokingAGrantThatDoesNotExistIsNotFoundAndWritesNothing(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "admin")
        _ = try await test.registry.grantAccess(to: bob, on: key("checkout"), reason: nil, actor: "admin")
        let before = try await events(test).count
        do {
            _ = try await test.registry.revokeAccess(of: alice, on: key("checkout"), reason: nil, actor: "admin")
            Issue.record("revoking a missing grant succeeded")
        } catch let error as KeyStoreError {
            #expect(error.category == .notFound)
            #expect(error.message.contains("alice@example.com has no access to checkout (prod)"))
        }
        await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.grantAccess(to: alice, on: key("nosuch"), reason: nil, actor: "admin")
        }
        #expect(try await events(test).count == before)
    }

    @Test(arguments: StoreKind.allCases) func offboardRevokesEveryGrantAndFlagsEveryKeyItCouldReadInOneTransaction(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        for (name, env) in [("checkout", "prod"), ("billing", "prod"), ("old", "prod"), ("search", "staging")] {
            _ = try await test.registry.addKey(try draft(name, env: env), secret: nil, actor: "admin")
        }
        for target in [key("checkout"), key("search", "staging"), key("old")] {
            _ = try await test.registry.grantAccess(to: alice, on: target, reason: nil, actor: "admin")
        }
        _ = try await test.registry.grantAccess(to: bob, on: key("checkout"), reason: nil, actor: "admin")
        _ = try await test.registry.retireKey(name: KeyName("old")!, env: EnvironmentName("prod")!, actor: "admin")
        let before = try await events(test).count
        test.clock.advance(by: .days(1))

        let result = try await test.registry.offboard(alice, reason: "left", configuredKeys: [key("billing"), key("checkout")], actor: "hr")
        #expect(result.at == test.clock.now())
        #expect(Set(result.revoked.map(\.keyName.rawValue)) == ["checkout", "search", "old"])
        #expect(result.revoked.allSatisfy { $0.revokedBy == "hr" && $0.revokeReason == "offboarding: left" })
        #expect(result.flagged.map(\.key) == [key("billing"), key("checkout"), key("search", "staging")])
        #expect(result.flagged.map(\.source) == [.config, .both, .registry])
        #expect(try await test.registry.accessGrants(matching: AccessFilter(principal: alice)).isEmpty)
        #expect(try await test.registry.accessGrants(matching: AccessFilter(principal: bob)).count == 1)

        let written = try await events(test).dropFirst(before)
        #expect(written.filter { $0.action == "access.revoke" }.count == 3)
        #expect(written.filter { $0.action == "key.offboarding" }.map { "\($0.keyName!)@\($0.keyEnv!)" } == ["billing@prod", "checkout@prod", "search@staging"])
        #expect(written.allSatisfy { $0.at == test.clock.now() && $0.actor == "hr" })
        #expect(try await test.registry.verifyAuditChain() == .intact(events: Int64(before + 6), headHash: try await events(test).last!.hash))
    }

    @Test(arguments: StoreKind.allCases) func offboardWritesNothingWhenAnyPartFails(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "admin")
        _ = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: nil, actor: "admin")
        let before = try await events(test).count
        await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.offboard(alice, reason: "left", configuredKeys: [key("checkout"), key("ghost")], actor: "hr")
        }
        #expect(try await test.registry.accessGrants(matching: AccessFilter(principal: alice)).count == 1)
        #expect(try await events(test).count == before)
        var offboarded: [KeyRecord] = []
        try await test.registry.forEachKey(matching: KeyFilter()) { offboarded.append($0) }
        #expect(offboarded.allSatisfy { $0.offboardedAt == nil })
    }

    @Test(arguments: StoreKind.allCases) func aGrantRevokedSinceTheLastRotationStillCountsButNotOneRevokedBefore(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("checkout", created: "2026-01-01"), secret: nil, actor: "admin")
        _ = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: nil, actor: "admin")
        _ = try await test.registry.revokeAccess(of: alice, on: key("checkout"), reason: nil, actor: "admin")
        test.clock.advance(by: .days(1))
        let result = try await test.registry.offboard(alice, reason: "left", configuredKeys: [], actor: "hr")
        #expect(result.revoked.isEmpty)
        #expect(result.flagged.map(\.key) == [key("checkout")])

        _ = try await test.registry.updateKey(
            name: KeyName("checkout")!, env: EnvironmentName("prod")!, changes: KeyChanges(rotatedAt: test.clock.now()), actor: "admin")
        test.clock.advance(by: .days(1))
        do {
            _ = try await test.registry.offboard(alice, reason: "left again", configuredKeys: [], actor: "hr")
            Issue.record("offboarding a principal that can read nothing succeeded")
        } catch let error as KeyStoreError {
            #expect(error.category == .notFound)
        }
    }

    @Test(arguments: StoreKind.allCases) func reportFlagsTheKeyAfterAnOffboardingUntilItIsRotated(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store, now: "2026-11-29T12:00:00Z")
        let policies = PolicyTable()
        _ = try await test.registry.addKey(try draft("checkout", created: "2026-11-20"), secret: nil, actor: "admin")
        _ = try await test.registry.addKey(try draft("search", created: "2026-11-20"), secret: nil, actor: "admin")
        _ = try await test.registry.grantAccess(to: alice, on: key("checkout"), reason: nil, actor: "admin")
        func flagged(asOf: Date) async throws -> [String: [ReportFlag]] {
            var flags: [String: [ReportFlag]] = [:]
            try await test.registry.forEachReportCandidate(env: nil, policies: policies, asOf: asOf, includeUnflagged: false) { record in
                flags[record.name.rawValue] = KeyAssessment(key: record, policies: policies, asOf: asOf).flags
            }
            return flags
        }
        let beforeOffboarding = test.clock.now()
        #expect(try await flagged(asOf: beforeOffboarding).isEmpty)

        test.clock.advance(by: TimeSpan(seconds: 3_600))
        _ = try await test.registry.offboard(alice, reason: "left", configuredKeys: [], actor: "hr")
        #expect(try await flagged(asOf: test.clock.now()) == ["checkout": [.offboarding]])
        #expect(ReportFlag.offboarding.isCritical)
        // As of a moment before the offboarding, nothing was flagged yet.
        #expect(try await flagged(asOf: beforeOffboarding).isEmpty)

        test.clock.advance(by: TimeSpan(seconds: 3_600))
        _ = try await test.registry.updateKey(
            name: KeyName("checkout")!, env: EnvironmentName("prod")!, changes: KeyChanges(rotatedAt: test.clock.now()), actor: "admin")
        #expect(try await flagged(asOf: test.clock.now()).isEmpty)
        let detail = try await test.registry.keyDetail(name: KeyName("checkout")!, env: EnvironmentName("prod")!, recentEvents: 0)
        #expect(KeyAssessment(key: detail.key, policies: policies, asOf: test.clock.now()).flags == [])
    }
}

struct PrincipalTests {
    @Test(arguments: [
        ("alice@example.com", "alice@example.com", Principal.Kind.person), ("Alice.Smith+keys@Mail.Example.COM", "alice.smith+keys@mail.example.com", .person),
        ("team:payments", "team:payments", .team), ("TEAM:Payments", "team:payments", .team), ("team:acme/payments", "team:acme/payments", .team),
        ("ci:github-actions", "ci:github-actions", .ci),
    ])
    func acceptsTheThreeFormsInLowerCase(text: String, canonical: String, kind: Principal.Kind) {
        let principal = Principal(text)
        #expect(principal?.rawValue == canonical)
        #expect(principal?.kind == kind)
    }

    @Test(arguments: [
        "", "alice", "alice@", "@example.com", "alice@localhost", "alice@@example.com", ".alice@example.com", "alice@-example.com",
        "alice smith@example.com", "alice@example.com\n", "alice\u{7}@example.com", "team:", "team:-payments", "team:pay ments",
        "team:pay\u{1B}[31m", "group:payments", "ci:", "ci:Ünïcode", String(repeating: "a", count: 65) + "@example.com",
        "team:" + String(repeating: "a", count: 129), "a@" + String(repeating: "b", count: 60) + "." + String(repeating: "c.", count: 100) + "com",
    ])
    func refusesAnythingElse(text: String) {
        #expect(Principal(text) == nil)
    }
}
