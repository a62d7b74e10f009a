import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

/// The webhook-header fuzz target's invariants (docs/fuzzing.md), checked in CI on seeded random
/// bodies, secrets and headers: a signature verifies for its own body and secret only, and a
/// header that was not signed with the secret is never `.valid`.
struct WebhookSignaturePropertyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aSignatureVerifiesOnlyForItsOwnBodyAndSecret() throws {
        var random = SeededGenerator(seed: 11)
        for round in 0..<300 {
            let body = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let secret = try Secret(bytes: Array(random.string(from: "abcdef_0123456789", count: Int.random(in: 1...40, using: &random)).utf8))
            let other = try Secret(bytes: secret.revealBytes() + [UInt8(ascii: "x")])
            let timestamp = 1_800_000_000 + Int64.random(in: -300...300, using: &random)
            let header = WebhookSignature.sign(body: body, timestamp: timestamp, secrets: [other, secret])
            #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: now) == .valid, "round \(round)")
            let alone = WebhookSignature.sign(body: body, timestamp: timestamp, secrets: [secret])
            #expect(WebhookSignature.verify(header: alone, body: body + [0], secret: secret, now: now) == .invalid, "round \(round)")
            #expect(WebhookSignature.verify(header: alone, body: body, secret: other, now: now) == .invalid, "round \(round)")

            // One changed hex digit of the signature.
            var digits = Array(alone.utf8)
            let index = Int.random(in: (digits.count - 64)..<digits.count, using: &random)
            digits[index] = digits[index] == UInt8(ascii: "0") ? UInt8(ascii: "1") : UInt8(ascii: "0")
            #expect(WebhookSignature.verify(header: String(decoding: digits, as: UTF8.self), body: body, secret: secret, now: now) == .invalid)
        }
    }

    @Test func aHeaderMadeOfRandomPartsIsNeverValid() throws {
        var random = SeededGenerator(seed: 12)
        let secret = try Secret(reading: "whsec_current")
        for round in 0..<500 {
            let parts = (0..<Int.random(in: 0...4, using: &random)).map { _ in
                let name = ["t", "v1", "v0", " t", "v1 ", ""].randomElement(using: &random)!
                // At most 12 digits: timestamps stay far from Int64's limits.
                let value = random.string(from: "0123456789abcdefABCDEF-+ =", count: Int.random(in: 0...12, using: &random))
                return name + "=" + value
            }
            let header = parts.joined(separator: ",")
            #expect(WebhookSignature.verify(header: header, body: [1, 2, 3], secret: secret, now: now) != .valid, "round \(round): \(header)")
        }
    }
}
