import Crypto
import Foundation
import Adapters
import KeyStore

extension FuzzTarget {
    /// `X-Keyctl-Signature`: the first line of the input is the header, the rest the body.
    /// `verify` never says `.valid` unless the header's last `t=` is within tolerance and one of
    /// its `v1=` values is the HMAC of `"<t>.<body>"` (checked here independently); what `sign`
    /// writes for the same body verifies, and not under another secret.
    static let webhookHeader = FuzzTarget(name: "webhook-header") { bytes in
        let split = bytes.firstIndex(of: 10) ?? bytes.endIndex
        let header = String(decoding: bytes[..<split], as: UTF8.self)
        let body = Array(bytes[min(split + 1, bytes.endIndex)...])
        let secret = try! Secret(bytes: Array("whsec_fuzz".utf8))
        let now = Date(timeIntervalSince1970: 1_800_000_000)

        if WebhookSignature.verify(header: header, body: body, secret: secret, now: now) == .valid {
            invariant(headerCarriesValidSignature(header, body: body, secret: secret, now: now), "accepted a header with no valid signature: \(header)")
        }
        let timestamp = 1_800_000_000 + Int64(body.count % 600) - 300
        let signed = WebhookSignature.sign(body: body, timestamp: timestamp, secrets: [secret])
        invariant(WebhookSignature.verify(header: signed, body: body, secret: secret, now: now) == .valid, "its own signature does not verify")
        let other = try! Secret(bytes: Array("whsec_other".utf8))
        invariant(WebhookSignature.verify(header: signed, body: body, secret: other, now: now) == .invalid, "another secret's signature verifies")
    }

    /// The reference check, written separately from `WebhookSignature.verify`: the last `t=` is a
    /// number within 300 s of `now`, and some `v1=` is 64 hex digits equal to the expected HMAC.
    private static func headerCarriesValidSignature(_ header: String, body: [UInt8], secret: Secret, now: Date) -> Bool {
        let parts = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let stamp = parts.last(where: { $0.hasPrefix("t=") }).flatMap({ Int64($0.dropFirst(2)) }),
              stamp.magnitude < 1 << 62, abs(Int64(now.timeIntervalSince1970) - stamp) <= 300
        else { return false }
        let expected = HMAC<SHA256>.authenticationCode(
            for: Array("\(stamp).".utf8) + body, using: SymmetricKey(data: secret.revealBytes()))
        let hex = expected.map { String(format: "%02x", $0) }.joined()
        return parts.contains { $0.hasPrefix("v1=") && $0.dropFirst(3).lowercased() == hex }
    }
}
