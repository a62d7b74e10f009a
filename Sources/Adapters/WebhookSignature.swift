import Crypto
import Foundation
import KeyStore

/// `X-Keyctl-Signature: t=UNIX_SECONDS,v1=HEX` with `HEX = HMAC-SHA256(secret, "<t>.<raw body>")`.
/// While a webhook secret is being rotated, both secrets sign and `v1=` appears twice.
public enum WebhookSignature {
    public static let headerName = "X-Keyctl-Signature"

    /// The header value for `body` sent at `timestamp`, signed by each of `secrets`.
    public static func sign(body: [UInt8], timestamp: Int64, secrets: [Secret]) -> String {
        let payload = Array("\(timestamp).".utf8) + body
        let signatures = secrets.map { secret in
            "v1=" + Array(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret.revealBytes()))).hexEncoded
        }
        return (["t=\(timestamp)"] + signatures).joined(separator: ",")
    }

    /// Checks a received header: the timestamp within `tolerance` of `now`, and some `v1`
    /// signature valid for `secret` (compared in constant time).
    public static func verify(header: String, body: [UInt8], secret: Secret, now: Date, toleranceSeconds: Int64 = 300) -> WebhookVerdict {
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return .malformed }
            switch pair[0] {
            case "t": timestamp = Int64(pair[1])
            case "v1":
                guard let bytes = [UInt8](hex: pair[1]) else { return .malformed }
                signatures.append(bytes)
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { return .malformed }
        guard abs(Timestamp.epochSeconds(now) - timestamp) <= toleranceSeconds else { return .expired }
        let payload = Array("\(timestamp).".utf8) + body
        let key = SymmetricKey(data: secret.revealBytes())
        for signature in signatures where HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: payload, using: key) {
            return .valid
        }
        return .invalid
    }
}

public enum WebhookVerdict: Sendable, Equatable {
    case valid, invalid, expired, malformed
}

extension Array where Element == UInt8 {
    var hexEncoded: String { map { String(format: "%02x", $0) }.joined() }

    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self = bytes
    }
}
