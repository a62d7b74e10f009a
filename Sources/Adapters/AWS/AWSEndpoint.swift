import Foundation
import KeyStore
import NIOHTTP1
import Rotation

/// An AWS service endpoint keyctl signs requests to, with the service's errors classified.
struct AWSEndpoint: Sendable {
    let call: HTTPCall
    let url: String
    let signer: SigV4Signer
    let clock: any WallClock

    var adapter: String { call.adapter }

    /// A signed POST to the endpoint's root.
    func post(headers: [(String, String)], body: [UInt8]) async throws -> HTTPAnswer {
        guard let address = URL(string: url) else { throw AdapterError(.needsOperator, adapter: adapter, "'\(url)' is not a URL") }
        let signed = signer.sign(method: "POST", url: address, headers: headers, body: body, at: clock.now())
        return try await call.send(.POST, url, headers: headers + signed, body: body)
    }

    /// The failure for an AWS error answer: throttling and service errors are retried, as are
    /// rejected credentials (new IAM keys take seconds to propagate); others need an operator.
    func failure(_ answer: HTTPAnswer, code: String?, message: String?) -> AdapterError {
        let redactor = SecretRedactor(secrets: [signer.credentials.secretAccessKey] + (signer.credentials.sessionToken.map { [$0] } ?? []))
        let reason = [code, message].compactMap { $0 }.joined(separator: ": ")
        let retryable = ["Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "InternalServiceError", "InternalFailure", "ServiceUnavailable"]
        if let code, retryable.contains(code) {
            return AdapterError(.retryable, adapter: adapter, "\(answer.what) answered \(answer.status): \(redactor.redact(reason))")
        }
        return answer.failure(adapter: adapter, reason: reason.isEmpty ? nil : reason, redactor: redactor)
    }
}
