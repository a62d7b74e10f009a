import Adapters
import Crypto
import Foundation
import KeyStore
import Testing

struct WebhookSignatureTests {
    let body = Array(#"{"event":"rotation.done","key":"checkout"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let secret = try! Secret(reading: "whsec_current")
    let previous = try! Secret(reading: "whsec_previous")

    @Test func theSignatureIsHMACSHA256OfTimestampDotBody() {
        let header = WebhookSignature.sign(body: body, timestamp: 1_800_000_000, secrets: [secret])
        let expected = HMAC<SHA256>.authenticationCode(for: Array("1800000000.".utf8) + body, using: SymmetricKey(data: Array("whsec_current".utf8)))
        #expect(header == "t=1800000000,v1=" + expected.map { String(format: "%02x", $0) }.joined())
    }

    @Test func aReceiverAcceptsAFreshValidSignatureAndRejectsTamperingReplayAndGarbage() {
        let header = WebhookSignature.sign(body: body, timestamp: 1_800_000_000, secrets: [secret])
        #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: now) == .valid)
        #expect(WebhookSignature.verify(header: header, body: body + [32], secret: secret, now: now) == .invalid)
        #expect(WebhookSignature.verify(header: header, body: body, secret: previous, now: now) == .invalid)
        #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: now.addingTimeInterval(301)) == .expired)
        #expect(WebhookSignature.verify(header: "v1=abc", body: body, secret: secret, now: now) == .malformed)
        #expect(WebhookSignature.verify(header: "t=1,v1=zz", body: body, secret: secret, now: now) == .malformed)
    }

    @Test func duringASecretRotationBothSecretsSignAndEitherVerifies() {
        let header = WebhookSignature.sign(body: body, timestamp: 1_800_000_000, secrets: [secret, previous])
        #expect(header.components(separatedBy: "v1=").count == 3)
        #expect(WebhookSignature.verify(header: header, body: body, secret: secret, now: now) == .valid)
        #expect(WebhookSignature.verify(header: header, body: body, secret: previous, now: now) == .valid)
    }
}
