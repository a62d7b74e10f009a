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
    /// signature valid for `secret`. The HMAC is computed once and each candidate compared with
    /// it in constant time.
    ///
    /// `t` must be digits only (no sign) and within years 0001 to 9999, and each `v1` an even
    /// number of hex digits; anything else is `.malformed`, never an overflow.
    public static func verify(header: String, body: [UInt8], secret: Secret, now: Date, toleranceSeconds: Int64 = 300) -> WebhookVerdict {
        var timestamp: Int64?
        var signatures: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { return .malformed }
            switch pair[0] {
            case "t":
                guard let seconds = unixSeconds(pair[1]) else { return .malformed }
                timestamp = seconds
            case "v1":
                guard let bytes = [UInt8](hex: pair[1]) else { return .malformed }
                signatures.append(bytes)
            default: continue
            }
        }
        guard let timestamp, !signatures.isEmpty else { return .malformed }
        // Both within years 0001 to 9999, so the difference cannot overflow.
        guard abs(Timestamp.epochSeconds(now) - timestamp) <= toleranceSeconds else { return .expired }
        let payload = Array("\(timestamp).".utf8) + body
        let expected = HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret.revealBytes()))
        // swift-crypto's `==` between a MAC and bytes is its constant-time comparison.
        var valid = false
        for signature in signatures where expected == signature { valid = true }
        return valid ? .valid : .invalid
    }

    /// `t=`: 1 to 12 ASCII digits within `Timestamp.supportedRange`.
    static func unixSeconds(_ text: String) -> Int64? {
        let digits = text.utf8
        guard (1...12).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let seconds = Int64(text), Timestamp.supportedRange.contains(seconds)
        else { return nil }
        return seconds
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
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self = bytes
    }
}
