import Foundation
import KeyStore
import Rotation
import Testing

struct SecretRedactorTests {
    let secret = "sk_live/4eC39+HqLyjWDarj?é\"x"
    var redactor: SecretRedactor { SecretRedactor(secrets: [try! Secret(reading: secret)]) }

    @Test func theSecretItselfIsRedactedWhereverItAppears() {
        let text = redactor.redact("denied \(secret) and again:\(secret).")
        #expect(text == "denied <redacted> and again:<redacted>.")
    }

    @Test(arguments: [
        ("base64", Data("sk_live/4eC39+HqLyjWDarj?é\"x".utf8).base64EncodedString()),
        ("base64 unpadded", Data("sk_live/4eC39+HqLyjWDarj?é\"x".utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")),
        ("base64url", Data("sk_live/4eC39+HqLyjWDarj?é\"x".utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")),
        ("percent", "sk_live%2F4eC39%2BHqLyjWDarj%3F%C3%A9%22x"),
        ("percent lower-case", "sk_live%2f4eC39%2bHqLyjWDarj%3f%c3%a9%22x"),
        ("JSON", "sk_live/4eC39+HqLyjWDarj?é\\\"x"),
        ("JSON with escaped slash", "sk_live\\/4eC39+HqLyjWDarj?é\\\"x"),
        ("JSON ASCII-only", "sk_live\\/4eC39+HqLyjWDarj?\\u00e9\\\"x"),
    ])
    func everyCommonEncodingOfTheSecretIsRedacted(encoding: String, encoded: String) {
        let text = redactor.redact("upstream said: {\"key\":[\(encoded)]} (\(encoding))")
        #expect(!text.contains(encoded), "\(encoding): \(text)")
        #expect(text.contains("<redacted>"), "\(encoding): \(text)")
        #expect(text.hasPrefix("upstream said:") && text.hasSuffix("(\(encoding))"))
    }

    @Test(arguments: [
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.unknown", "eyJhbGciOiJIUzI1NiJ9"),
        ("request headers: authorization=AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, Signature=abc123def", "abc123def"),
        ("X-Vault-Token: hvs.CAESIJunknownvaulttoken\nnext line", "hvs.CAESIJunknownvaulttoken"),
        ("X-Api-Key:prov_unknown_key_123 rejected", "prov_unknown_key_123"),
        ("[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "wJalrXUtnFEMI"),
        ("https://s3.example.com/o?X-Amz-Signature=9f8e7d6c5b4a&X-Amz-Date=1", "9f8e7d6c5b4a"),
        ("{\"client_secret\": \"cs_unknown \\\" quoted value\", \"ok\": true}", "cs_unknown"),
        ("Cookie: session=s3ss10n-unknown; theme=dark", "s3ss10n-unknown"),
    ])
    func credentialLookingValuesAreRedactedEvenWhenKeyctlDoesNotKnowThem(text: String, credential: String) {
        let redacted = SecretRedactor().redact(text)
        #expect(!redacted.contains(credential), "\(redacted)")
        #expect(redacted.contains("<redacted>"))
    }

    @Test func ordinaryWordsAroundCredentialNamesAreKept() {
        let text = "SignatureDoesNotMatch: the new secret was rejected by the token service (exit status 1)"
        #expect(SecretRedactor().redact(text) == text)
        #expect(SecretRedactor().redact("X-Vault-Token: hvs.abc, ok") == "X-Vault-Token: <redacted>, ok")
    }

    @Test func overlappingSecretsAreRedactedAsOneWithNothingLeftBetween() throws {
        let first = try Secret(reading: "abcdefgh1234"), second = try Secret(reading: "efgh1234WXYZ")
        let text = SecretRedactor(secrets: [first, second]).redact("got abcdefgh1234WXYZ!")
        #expect(text == "got <redacted>!")
        let both = SecretRedactor(secrets: [first]).adding([second]).redact("x efgh1234WXYZ y abcdefgh1234")
        #expect(both == "x <redacted> y <redacted>")
    }

    @Test func aSecretCutOffAtTheEndOfTruncatedTextIsRedactedToo() throws {
        let text = SecretRedactor(secrets: [try Secret(reading: "sk_prov_0123456789abcdef")]).redact("stderr: sk_prov_01234")
        #expect(text == "stderr: <redacted>")
    }

    @Test func secretsShorterThanTheMinimumAreNotSearchedFor() throws {
        #expect(SecretRedactor.minimumSecretLength == 6)
        let short = try Secret(reading: "admin")
        let text = "admin rights missing for the administrator"
        #expect(SecretRedactor(secrets: [short]).redact(text) == text)
        #expect(SecretRedactor(secrets: [try Secret(reading: "admin1")]).redact("user admin1 denied") == "user <redacted> denied")
    }

    @Test func textIsCappedOnACharacterBoundaryWithAMarker() {
        let long = String(repeating: "é", count: 400)
        let capped = SecretRedactor().redact(long)
        #expect(capped.utf8.count <= SecretRedactor.maximumBytes)
        #expect(capped.hasSuffix("…(truncated)"))
        #expect(capped.dropLast("…(truncated)".count).allSatisfy { $0 == "é" })
        #expect(SecretRedactor().redact("short and sweet") == "short and sweet")
        #expect(SecretRedactor().redact(long, limit: 1_000).utf8.count == 800)
    }

    @Test func aSecretStraddlingTheCapIsRedactedBeforeTheCut() throws {
        let secretText = "sk_prov_" + String(repeating: "z", count: 40)
        let text = String(repeating: "a", count: 280) + secretText
        let redacted = SecretRedactor(secrets: [try Secret(reading: secretText)]).redact(text)
        #expect(!redacted.contains("sk_prov_"))
        #expect(!redacted.contains("zzzz"))
    }
}
