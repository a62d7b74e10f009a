import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresStore
import Testing

/// Rotation ownership across machines: several clients of one PostgreSQL registry, each with its
/// own connections, as processes on different hosts would be.
@Suite struct PostgresLeaseTests {
    let name = KeyName("checkout")!
    let env = EnvironmentName("prod")!
    let plan = RotationPlan(issuer: "fake", targets: ["app-env"], verifier: nil, grace: TimeSpan(seconds: 0), emergency: false)
    let lease = TimeSpan(seconds: 60)

    /// A fresh PostgreSQL registry holding the key `checkout` in `prod`.
    func registryWithKey() async throws -> TestRegistry {
        let test = try await makeTestRegistry(.postgres)
        _ = try await test.registry.addKey(
            try draft("checkout"), secret: try Secret(reading: "sk_fake_original_0123456789abcdef"), actor: "test")
        return test
    }

    /// Another client of `test`'s database, with the same clocks: another process on another host.
    func client(of test: TestRegistry) async throws -> PostgresKeyRegistry {
        let database = try #require(test.postgres)
        return try await PostgresKeyRegistry.open(
            configuration: database.configuration, displayName: database.displayName, clock: test.clock, leaseClock: test.clock)
    }

    func begin(_ ledger: any RotationLedger, owner: RotationOwner, lease: TimeSpan? = nil) async throws -> RotationRecord {
        try await ledger.beginRotation(
            name: name, env: env, plan: plan, owner: owner, lease: lease ?? self.lease, unlessBegunSince: nil, actor: "test")
    }

    /// Runs `operation` on every client at once, then closes the clients; one outcome each.
    func concurrently(
        _ clients: [PostgresKeyRegistry], _ operation: @escaping @Sendable (Int, PostgresKeyRegistry) async throws -> RotationRecord
    ) async -> [Result<RotationRecord, KeyStoreError>] {
        let outcomes = await withTaskGroup(of: Result<RotationRecord, KeyStoreError>.self) { group in
            for (index, client) in clients.enumerated() {
                group.addTask {
                    do {
                        return .success(try await operation(index, client))
                    } catch {
                        return .failure(error as? KeyStoreError ?? KeyStoreError(.failed, "\(error)"))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        for client in clients { await client.close() }
        return outcomes
    }

    @Test func ofClientsClaimingOneExpiredRotationAtOnceExactlyOneWins() async throws {
        let test = try await registryWithKey()
        let begun = try await begin(test.registry, owner: FakeProcessTable.process(100, on: "host-a"))
        test.clock.advance(by: TimeSpan(seconds: 61))
        var clients: [PostgresKeyRegistry] = []
        for _ in 0..<4 { clients.append(try await client(of: test)) }

        let outcomes = await concurrently(clients) { index, client in
            try await client.claimRotation(
                begun.id, for: FakeProcessTable.process(Int32(200 + index), on: "host-\(index)"), deadOwnerEpoch: nil,
                lease: TimeSpan(seconds: 60), actor: "claimer \(index)")
        }

        let winners = outcomes.compactMap { try? $0.get() }
        let losers = outcomes.compactMap { outcome -> KeyStoreError? in
            if case .failure(let error) = outcome { return error }
            return nil
        }
        #expect(winners.count == 1)
        #expect(losers.count == 3)
        for loser in losers {
            #expect(loser.category == .busy)
            // Refused by the lease, or (on a loaded machine) by the write lock's busy timeout first.
            #expect(loser.message.contains("is driven by pid 20") || loser.message.contains("is busy"), "\(loser.message)")
        }
        let winner = try #require(winners.first)
        #expect(winner.ownerEpoch == 2)
        #expect(try await test.registry.rotationInFlight(name: name, env: env) == winner)
        let database = try #require(test.postgres)
        #expect(try database.rows("SELECT count(*)::text FROM audit_events WHERE action = 'rotation.claimed'") == [["1"]])
        guard case .intact = try await test.registry.verifyAuditChain() else { Issue.record("the audit chain is broken"); return }
    }

    @Test func ofClientsBeginningARotationOfOneKeyAtOnceOneBeginsAndTheOthersAreToldWhichHoldsIt() async throws {
        let test = try await registryWithKey()
        var clients: [PostgresKeyRegistry] = []
        for _ in 0..<3 { clients.append(try await client(of: test)) }
        let outcomes = await concurrently(clients) { index, client in
            try await begin(client, owner: FakeProcessTable.process(Int32(300 + index)))
        }

        let begun = try #require(outcomes.compactMap { try? $0.get() }.first)
        #expect(outcomes.filter { (try? $0.get()) != nil }.count == 1)
        for case .failure(let error) in outcomes {
            #expect(error.category == .busy)
            #expect(error.message.contains("is locked by rotation \(begun.id)"), "\(error.message)")
        }
    }

    @Test func aPausedOwnerWhoseLeaseWasTakenOverCannotWriteThroughAnyLedgerMethod() async throws {
        let test = try await registryWithKey()
        let stale = try await begin(test.registry, owner: FakeProcessTable.process(100, on: "host-a"))
        test.clock.advance(by: TimeSpan(seconds: 61))
        let other = try await client(of: test)
        let claimed = try await other.claimRotation(
            stale.id, for: FakeProcessTable.process(200, on: "host-b"), deadOwnerEpoch: nil, lease: lease, actor: "other")
        await other.close()
        let database = try #require(test.postgres)
        let everything = """
            SELECT (SELECT string_agg(r::text, '' ORDER BY id) FROM rotations r), (SELECT count(*) FROM audit_events)::text,
                (SELECT count(*) FROM rotation_steps)::text, (SELECT count(*) FROM rotation_snapshots)::text,
                (SELECT string_agg(v::text, '' ORDER BY id) FROM key_versions v), (SELECT string_agg(k::text, '') FROM keys k)
            """
        let before = try database.rows(everything)

        // The old owner wakes up and carries on with the lease it held: every write is refused.
        let ledger = test.registry, lease = stale.lease
        let secret = try Secret(reading: "sk_fake_new_secret_9876543210fedcba")
        let writes: [(String, @Sendable () async throws -> Void)] = [
            ("journal", { try await ledger.journal(lease, step: .create, target: nil, phase: .started, detail: nil) }),
            ("recordCreated", {
                _ = try await ledger.recordCreated(
                    lease, fingerprint: secret.fingerprint, sha1: secret.sha1, hint: "****dcba", issuerRef: nil, sealedSecret: [1, 2, 3],
                    snapshotEmpty: true, then: StepStart(.deploy, target: "app"), actor: "stale")
            }),
            ("recordSnapshot", { _ = try await ledger.recordSnapshot(lease, targetIndex: 0, sealedValue: [4], then: nil, actor: "stale") }),
            ("recordDeployed", { _ = try await ledger.recordDeployed(lease, targetIndex: 0, snapshotEmpty: false, then: nil, actor: "stale") }),
            ("recordVerified", { _ = try await ledger.recordVerified(lease, graceUntil: Date(), actor: "stale") }),
            ("recordDeleteStarting", { _ = try await ledger.recordDeleteStarting(lease, actor: "stale") }),
            ("recordDeleted", { _ = try await ledger.recordDeleted(lease, finishing: true, actor: "stale") }),
            ("recordDone", { _ = try await ledger.recordDone(lease, revocation: .rejected, actor: "stale") }),
            ("recordFailed", { _ = try await ledger.recordFailed(lease, message: "stale", actor: "stale") }),
            ("recordAborted", { _ = try await ledger.recordAborted(lease, actor: "stale") }),
            ("renewLease", { try await ledger.renewLease(lease, for: TimeSpan(seconds: 600)) }),
        ]
        for (method, write) in writes {
            let error = await #expect(throws: KeyStoreError.self, "\(method)") { try await write() }
            #expect(error?.category == .busy, "\(method)")
            #expect(error?.message.contains("was taken over by pid 200 on host-b (epoch 2)") == true, "\(method): \(error?.message ?? "")")
        }
        // Letting go of a lease another process took does nothing.
        try await ledger.releaseLease(lease)

        #expect(try database.rows(everything) == before)
        #expect(try await test.registry.rotationInFlight(name: name, env: env) == claimed)
    }

    @Test func withoutALeaseClockALeaseRunsAndExpiresOnTheDatabasesClock() async throws {
        let database = try PostgresTestDatabase()
        // Stamps come from a clock years away from the server's: leases must not follow it.
        let stamps = ManualClock("2020-01-01T00:00:00Z")
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: stamps)
        _ = try await registry.addKey(
            try draft("checkout"), secret: try Secret(reading: "sk_fake_original_0123456789abcdef"), actor: "test")
        let begun = try await begin(registry, owner: FakeProcessTable.process(100, on: "host-a"))
        let serverClock = try database.rows("SELECT floor(extract(epoch FROM clock_timestamp()))::bigint::text")
        let serverNow = try #require(serverClock.first?.first?.flatMap { Int64($0) })

        #expect(begun.startedAt == stamps.now())
        let leaseUntil = Int64(try #require(begun.leaseUntil).timeIntervalSince1970)
        // Set on the server's clock a moment before it was read back (seconds, under load).
        #expect((serverNow + 30...serverNow + 60).contains(leaseUntil), "lease until \(leaseUntil), server now \(serverNow)")
        stamps.advance(by: TimeSpan(seconds: 365 * 86_400))
        let refused = await #expect(throws: KeyStoreError.self) {
            try await registry.claimRotation(begun.id, for: FakeProcessTable.process(200, on: "host-b"), deadOwnerEpoch: nil, lease: lease, actor: "b")
        }
        #expect(refused?.category == .busy)

        // A lease renewed for one second has expired on the server's clock within two.
        try await registry.renewLease(begun.lease, for: TimeSpan(seconds: 1))
        let renewedAt = Date()
        var claimed: RotationRecord?
        while claimed == nil, Date().timeIntervalSince(renewedAt) < 20 {
            claimed = try? await registry.claimRotation(
                begun.id, for: FakeProcessTable.process(200, on: "host-b"), deadOwnerEpoch: nil, lease: lease, actor: "b")
            if claimed == nil { try await Task.sleep(for: .milliseconds(200)) }
        }
        let waited = Date().timeIntervalSince(renewedAt)
        await registry.close()
        #expect(claimed?.ownerEpoch == 2)
        #expect(waited < 20, "claimed after \(waited) s")
    }
}
