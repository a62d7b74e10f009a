import Crypto
import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

/// A verifier whose error repeats both the secret it was given and the old secret, as a careless
/// client library might, without any redaction of its own.
struct EchoingVerifier: Verifier {
    let name = "echo"
    let old: String

    func verify(_ secret: Secret) async throws -> VerificationOutcome {
        let encoded = Data(secret.revealBytes()).base64EncodedString()
        throw AdapterError(.needsOperator, adapter: "verifier echo", "refused \(secret.revealText()) (was \(old)), basic \(encoded)")
    }
}

/// A notifier that records what it was told.
actor RecordingNotifier: Notifier {
    nonisolated let name = "recorder"
    var notices: [RotationNotice] = []
    func notify(_ event: RotationNotice) async throws { notices.append(event) }
}

struct RotationFailureRedactionTests {
    @Test(arguments: StoreKind.allCases) func aFailedStepRecordsPrintsAndNotifiesOnlyRedactedText(store: StoreKind) async throws {
        var scenario = try await RotationScenario(store)
        scenario.verifier = EchoingVerifier(old: scenario.original)
        let notifier = RecordingNotifier()
        let base = scenario.driver
        let driver = RotationDriver(
            ledger: base.ledger, registry: base.registry,
            adapters: RotationAdapters(issuer: base.adapters.issuer, targets: base.adapters.targets, verifier: base.adapters.verifier, notifiers: [notifier]),
            custody: base.custody, clock: base.clock, retry: base.retry, revocationChecks: base.revocationChecks, actor: "test")

        let error = await #expect(throws: RotationFailure.self) { _ = try await driver.run(try await scenario.begin()) }
        let newSecret = try #require(await scenario.provider.validSecrets.first { $0 != scenario.original })
        let secrets = [scenario.original, newSecret, Data(newSecret.utf8).base64EncodedString()]

        let failure = try #require(error)
        let stored = try #require(try await scenario.inFlight()?.failure)
        let notices = await notifier.notices.compactMap(\.detail)
        #expect(failure.description.contains("refused <redacted> (was <redacted>), basic <redacted>"), "\(failure.description)")
        #expect(stored.contains("<redacted>"))
        #expect(notices.count == 1)
        for secret in secrets {
            #expect(!failure.description.contains(secret))
            #expect(!stored.contains(secret))
            #expect(!notices.contains { $0.contains(secret) })
            #expect(try scenario.storeHolds(secret) == false, "a secret is in the registry")
        }
    }
}
