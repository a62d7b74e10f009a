import Adapters
import KeyStore
import Rotation
import Testing

struct LocalKeyFormatTests {
    @Test func mintedKeysHaveThePrefixEnoughEntropyAndAValidChecksum() {
        let keys = (0..<200).map { _ in LocalKeyFormat.mint(prefix: "sk_live_") }
        #expect(Set(keys).count == keys.count)
        for key in keys {
            #expect(key.hasPrefix("sk_live_"))
            #expect(key.count == 8 + 43 + 6)
            #expect(LocalKeyFormat.isWellFormed(key, prefix: "sk_live_"))
        }
    }

    @Test func lookAlikesAreRejectedOffline() {
        let key = LocalKeyFormat.mint(prefix: "sk_live_")
        var characters = Array(key)
        characters[12] = characters[12] == "a" ? "b" : "a"
        #expect(!LocalKeyFormat.isWellFormed(String(characters), prefix: "sk_live_"))
        #expect(!LocalKeyFormat.isWellFormed("sk_test_" + key.dropFirst(8), prefix: "sk_live_"))
        #expect(!LocalKeyFormat.isWellFormed(String(key.dropLast()), prefix: "sk_live_"))
        #expect(!LocalKeyFormat.isWellFormed("sk_live_" + String(repeating: "A", count: 49), prefix: "sk_live_"))
    }

    @Test func theLocalIssuerMintsAFreshKeyEachTime() async throws {
        let issuer = LocalIssuer(prefix: "sk_test_")
        let request = CredentialRequest(name: KeyName("a")!, env: EnvironmentName("dev")!, scopes: ["*"], idempotencyKey: "k")
        let first = try await issuer.create(request), second = try await issuer.create(request)
        #expect(!first.secret.isEqual(to: second.secret))
        #expect(LocalKeyFormat.isWellFormed(first.secret.revealText(), prefix: "sk_test_"))
    }
}
