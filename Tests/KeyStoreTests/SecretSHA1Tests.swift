import Foundation
import GRDB
import KeyStore
import KeyctlTestSupport
import Testing

struct SecretSHA1Tests {
    let secretText = "sk_live_sha1test0123456789ABCDEFGH"

    @Test func isTheUnsaltedHexSHA1AsDetectSecretsWritesIt() throws {
        // `printf %s password | sha1sum`
        #expect(try Secret(reading: "password").sha1.rawValue == "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8")
        #expect(SecretSHA1(hex: "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8")?.rawValue == "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8")
        #expect(SecretSHA1(hex: "5baa61e4") == nil)
        #expect(SecretSHA1(hex: String(repeating: "g", count: 40)) == nil)
    }

    @Test func addingAKeyRecordsItsSHA1SoTheSecretCanBeFoundByIt() async throws {
        let test = try makeTestRegistry()
        let secret = try Secret(reading: secretText)
        _ = try await test.registry.addKey(try draft("checkout"), secret: secret, actor: "t")
        let found = try #require(try await test.registry.identify(sha1: secret.sha1))
        #expect(found.key.name.rawValue == "checkout")
        #expect(found.version.fingerprint == secret.fingerprint)
        #expect(try await test.registry.identify(sha1: try Secret(reading: "sk_live_other").sha1) == nil)
        let stored = try await DatabaseQueue(path: test.path).read { try String.fetchOne($0, sql: "SELECT sha1 FROM key_versions") }
        #expect(stored == secret.sha1.rawValue)
    }

    @Test func aVersionRegisteredBeforeTheSHA1WasRecordedIsNotFoundByIt() async throws {
        let test = try makeTestRegistry()
        let secret = try Secret(reading: secretText)
        _ = try await test.registry.addKey(try draft("checkout"), secret: secret, actor: "t")
        try await DatabaseQueue(path: test.path).write { try $0.execute(sql: "UPDATE key_versions SET sha1 = NULL") }
        #expect(try await test.registry.identify(sha1: secret.sha1) == nil)
        #expect(try await test.registry.identify(secret.fingerprint) != nil)
    }
}
