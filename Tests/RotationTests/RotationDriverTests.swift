import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

struct RotationDriverTests {
    @Test(arguments: StoreKind.allCases) func aRotationReplacesTheSecretEverywhereWithoutDowntime(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let done = try await scenario.driver.run(try await scenario.begin())
        #expect(done.state == .done)
        #expect(done.revocation == .rejected)
        #expect(done.sealedSecret == nil)
        #expect(try await scenario.expectRotated() == [])
        #expect(await scenario.provider.createCalls == 1)
        let key = try await scenario.detail().key
        #expect(key.rotatedAt == scenario.test.clock.now())
        #expect(try await scenario.inFlight() == nil)
    }

    @Test(arguments: StoreKind.allCases) func theNewVersionIsRecordedWithItsSHA1(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        _ = try await scenario.driver.run(try await scenario.begin())
        let newSecret = try Secret(reading: try #require(await scenario.provider.validSecrets.first))
        let found = try #require(try await scenario.test.registry.identify(sha1: newSecret.sha1))
        #expect(found.version.stage == .current)
        #expect(found.version.fingerprint == newSecret.fingerprint)
    }

    @Test(arguments: StoreKind.allCases) func theOldSecretStaysValidThroughGraceUntilFinished(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let waiting = try await scenario.driver.run(try await scenario.begin(grace: TimeSpan(seconds: 3600)))
        #expect(waiting.state == .grace)
        #expect(await scenario.provider.accepts(scenario.original))
        #expect(try await scenario.detail().versions.map(\.stage).sorted { $0.rawValue < $1.rawValue } == [.current, .previous])
        scenario.test.clock.advance(by: TimeSpan(seconds: 3599))
        #expect(try await scenario.driver.run(waiting).state == .grace)
        scenario.test.clock.advance(by: TimeSpan(seconds: 1))
        #expect(try await scenario.driver.run(waiting).state == .done)
        #expect(try await scenario.expectRotated() == [])
    }

    @Test(arguments: StoreKind.allCases, [
        ("create", RotationState.create), ("snapshot:app-env", .deploy), ("deploy:app-env", .deploy),
        ("snapshot:app-vault", .deploy), ("deploy:app-vault", .deploy), ("verify", .verify), ("delete", .delete),
    ])
    func aStepThatFailsLeavesTheOldSecretWorkingAndResumeCompletes(store: StoreKind, failing: (String, RotationState)) async throws {
        let (operation, step) = failing
        let scenario = try await RotationScenario(store)
        await scenario.failures.fail(operation, times: 10)
        let error = await #expect(throws: RotationFailure.self) { _ = try await scenario.driver.run(try await scenario.begin()) }
        #expect(error?.step == step)
        let failed = try #require(try await scenario.inFlight())
        #expect(failed.state == .failed)
        #expect(failed.failedStep == step)
        #expect(await scenario.provider.accepts(scenario.original), "the old secret must stay valid until the new one is verified")
        #expect(await scenario.provider.outages == [])

        await scenario.failures.clear()
        #expect(try await scenario.driver.run(failed).state == .done)
        #expect(try await scenario.expectRotated() == [])
        #expect(await scenario.provider.createCalls == 1 || operation == "create")
    }

    @Test(arguments: StoreKind.allCases, ["create", "deploy:app-env", "deploy:app-vault", "verify"])
    func abortPutsEverythingBack(store: StoreKind, operation: String) async throws {
        let scenario = try await RotationScenario(store)
        await scenario.failures.fail(operation, times: 10)
        await #expect(throws: RotationFailure.self) { _ = try await scenario.driver.run(try await scenario.begin()) }
        await scenario.failures.clear()
        let aborted = try await scenario.driver.abort(try #require(try await scenario.inFlight()))
        #expect(aborted.state == .aborted)
        #expect(try await scenario.expectUnchanged() == [])
        #expect(try await scenario.inFlight() == nil)
        #expect(try await scenario.detail().versions.filter { $0.stage == .revoked }.count == (operation == "create" ? 0 : 1))
    }

    @Test(arguments: StoreKind.allCases) func abortIsRefusedOnceTheOldCredentialMayBeDeleted(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        await scenario.failures.fail("delete", times: 10)
        await #expect(throws: RotationFailure.self) { _ = try await scenario.driver.run(try await scenario.begin()) }
        await #expect(throws: RotationError.tooLateToAbort) { _ = try await scenario.driver.abort(try #require(try await scenario.inFlight())) }
    }

    @Test(arguments: StoreKind.allCases) func aSecondRotationOfTheSameKeyIsRefusedNamingTheFirst(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let first = try await scenario.begin()
        let error = await #expect(throws: KeyStoreError.self) { _ = try await scenario.begin() }
        #expect(error?.category == .busy)
        #expect(error?.message.contains(first.id) == true)
    }

    @Test(arguments: StoreKind.allCases) func retryableFailuresAreRetriedAndPersistentOnesAreUnavailable(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        await scenario.failures.fail("deploy:app-env", times: 1, kind: .retryable)
        #expect(try await scenario.driver.run(try await scenario.begin()).state == .done)

        let second = try await RotationScenario(store)
        await second.failures.fail("deploy:app-env", times: 5, kind: .retryable)
        let error = await #expect(throws: RotationFailure.self) { _ = try await second.driver.run(try await second.begin()) }
        #expect((error?.underlying as? AdapterError)?.kind == .unavailable)
    }

    @Test(arguments: StoreKind.allCases) func rotatingACompromisedKeyMakesItActiveAndRevokesTheExposedVersion(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        _ = try await scenario.test.registry.markCompromised(name: scenario.name, env: scenario.env, reason: "leak", actor: "ir")
        _ = try await scenario.driver.run(try await scenario.begin(emergency: true))
        let detail = try await scenario.detail()
        #expect(detail.key.status == .active)
        #expect(detail.versions.first { $0.hint == "****cdef" }?.stage == .revoked)
    }

    @Test(arguments: StoreKind.allCases) func anOldSecretStillAcceptedAfterDeleteIsReported(store: StoreKind) async throws {
        var scenario = try await RotationScenario(store)
        scenario.issuer = IssuerThatCannotRevoke(inner: FakeIssuer(provider: scenario.provider, failures: scenario.failures))
        let done = try await scenario.driver.run(try await scenario.begin())
        #expect(done.revocation == .accepted)
        let events = try await scenario.detail().recentEvents
        #expect(events.first?.details.contains("\"old_secret\":\"accepted\"") == true)
    }

    @Test(arguments: StoreKind.allCases) func anUnreachableVerifierAfterDeleteIsUnconfirmedNotStillAccepted(store: StoreKind) async throws {
        var scenario = try await RotationScenario(store)
        scenario.verifier = VerifierUnreachableForOldSecret(inner: FakeVerifier(provider: scenario.provider, failures: scenario.failures), old: scenario.original)
        let done = try await scenario.driver.run(try await scenario.begin())
        #expect(done.state == .done)
        #expect(done.revocation == .unconfirmed)
        let events = try await scenario.detail().recentEvents
        #expect(events.first?.details.contains("\"old_secret\":\"unconfirmed\"") == true)
    }

    @Test(arguments: ["create.before", "snapshot.0.during", "deploy.12.after", "confirm.after", "finish.before", "finish.after"])
    func everyDocumentedFaultPointIsAccepted(point: String) throws {
        _ = try FaultInjection(environment: ["KEYCTL_FAULT": point])
    }

    @Test(arguments: ["finish.during", "confirm.afterwards", "deploy.x.before", "deploy.+1.before", "deploy.01.before", "snapshot.before", "crash"])
    func anUnknownFaultPointIsRefused(point: String) {
        #expect(throws: UnknownFaultPoint.self) { try FaultInjection(environment: ["KEYCTL_FAULT": point]) }
    }

    @Test(arguments: [("deploy.2.before", 2, true), ("snapshot.5.after", 1, false), ("finish.before", 1, true), ("confirm.during", 1, false)])
    func aPointTheRotationNeverReachesIsRefused(point: String, targets: Int, hasVerifier: Bool) throws {
        let faults = try FaultInjection(environment: ["KEYCTL_FAULT": point])
        #expect(throws: UnknownFaultPoint.self) { try faults.check(targets: targets, hasVerifier: hasVerifier) }
        try FaultInjection(environment: ["KEYCTL_FAULT": "deploy.1.after"]).check(targets: 2, hasVerifier: false)
    }

    @Test(arguments: StoreKind.allCases) func aCreateRepeatedAfterACrashReturnsTheSameCredential(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let record = try await scenario.begin()
        // The issuer created the credential, then keyctl died before recording it.
        _ = try await scenario.issuer.create(
            CredentialRequest(name: scenario.name, env: scenario.env, scopes: ["orders:write"], idempotencyKey: record.idempotencyKey))
        _ = try await scenario.driver.run(record)
        #expect(try await scenario.expectRotated() == [])
    }

    @Test(arguments: StoreKind.allCases) func theRegistryNeverHoldsTheNewSecretInPlaintext(store: StoreKind) async throws {
        let scenario = try await RotationScenario(store)
        let waiting = try await scenario.driver.run(try await scenario.begin(grace: TimeSpan(seconds: 60)))
        let newSecret = try #require(scenario.targets[0].value)
        #expect(try scenario.storeHolds("****cdef"), "the check reads what the store keeps")
        #expect(try scenario.storeHolds(newSecret) == false)
        #expect(try scenario.storeHolds(scenario.original) == false)
        #expect(waiting.sealedSecret != nil)
    }
}

/// An issuer whose deletes do not take effect (a provider with revocation lag that never ends).
struct IssuerThatCannotRevoke: CredentialIssuer {
    let inner: FakeIssuer
    func create(_ request: CredentialRequest) async throws -> IssuedCredential { try await inner.create(request) }
    func delete(_ credential: CredentialReference) async throws {}
}

/// A verifier that answers for the new secret but times out for the old one, as a provider whose
/// endpoint goes down right after the delete.
struct VerifierUnreachableForOldSecret: Verifier {
    let inner: FakeVerifier
    let old: String
    var name: String { inner.name }

    func verify(_ secret: Secret) async throws -> VerificationOutcome {
        if secret.revealText() == old { throw AdapterError(.retryable, adapter: "verifier \(name)", "timed out") }
        return try await inner.verify(secret)
    }
}
