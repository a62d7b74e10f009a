import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

/// The exec-reply fuzz target's invariants (docs/fuzzing.md), checked in CI on seeded random
/// replies printed by a real program: a JSON object with a non-empty string `secret` gives that
/// secret byte for byte and `id` when it is a string; any other reply is `needsOperator`.
struct ExecReplyPropertyTests {
    let folder = TemporaryFolder()
    let request = CredentialRequest(name: KeyName("checkout")!, env: EnvironmentName("prod")!, scopes: ["orders:write"], idempotencyKey: "k1")

    func create(replying reply: Data) async throws -> IssuedCredential {
        let path = folder.file("reply")
        FileManager.default.createFile(atPath: path, contents: reply)
        return try await ExecIssuer(name: "provider", command: ["/bin/cat", path], timeoutSeconds: 5).create(request)
    }

    @Test func aReplyWithASecretGivesItByteForByte() async throws {
        var random = SeededGenerator(seed: 21)
        for round in 0..<60 {
            let secret = random.string(from: "sk_AZaz09\"\\/\n\t é€😀\u{1}", count: Int.random(in: 1...40, using: &random))
            var object: [String: Any] = ["secret": secret, "extra": [1, "x", NSNull()]]
            switch Int.random(in: 0...2, using: &random) {
            case 0: object["id"] = "key_\(round)"
            case 1: object["id"] = round
            default: break
            }
            let credential = try await create(replying: try JSONSerialization.data(withJSONObject: object))
            #expect(credential.secret.revealBytes() == Array(secret.utf8), "round \(round)")
            #expect(credential.issuerRef == object["id"] as? String, "round \(round)")
        }
    }

    @Test(arguments: [
        #"{"secret":""}"#, #"{"secret":42}"#, #"{"id":"key_1"}"#, #"[{"secret":"s"}]"#, #""secret""#, "created sk_live_1",
        "", #"{"secret":"s""#, String(repeating: "[", count: 100_000),
        // An id that is not valid JSON text is refused, not dropped: the next delete needs it.
        #"{"secret":"s","id":"key-\q-42"}"#, #"{"secret":"s","id":"\ud800"}"#,
    ])
    func anyOtherReplyNeedsAnOperator(reply: String) async throws {
        let error = await #expect(throws: AdapterError.self) { try await create(replying: Data(reply.utf8)) }
        #expect(error?.kind == .needsOperator)
    }
}
