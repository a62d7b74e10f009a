import Foundation
import KeyStore
import NIOHTTP1
import Rotation

/// Proves a secret works by making the request the application makes: the secret goes into a
/// header template (`Authorization: Bearer {{secret}}`). The expected status means accepted; 401
/// and 403 mean rejected; timeouts, refused connections, 429 and 5xx are retryable. HTTPS is
/// required except to loopback addresses.
public struct HTTPVerifier: Verifier {
    public let name: String
    let call: HTTPCall
    let url: String
    let method: String
    let headers: [(name: String, template: String)]
    let expectedStatus: Int

    public init(name: String, url: String, method: String, headers: [(name: String, template: String)], expectedStatus: Int, timeoutSeconds: Int64, caFile: String? = nil) {
        self.name = name
        call = HTTPCall(adapter: "verifier \(name)", timeoutSeconds: timeoutSeconds, caFile: caFile)
        self.url = url
        self.method = method
        self.headers = headers
        self.expectedStatus = expectedStatus
    }

    public func verify(_ secret: Secret) async throws -> VerificationOutcome {
        let filled = headers.map { ($0.name, $0.template.replacingOccurrences(of: "{{secret}}", with: secret.revealText())) }
        let answer = try await call.send(HTTPMethod(rawValue: method), url, headers: filled)
        switch answer.status {
        case expectedStatus: return .accepted
        case 401, 403: return .rejected("\(answer.what) answered \(answer.status)")
        case 429, 500...599: throw AdapterError(.retryable, adapter: call.adapter, "\(answer.what) answered \(answer.status)")
        default: return .rejected("\(answer.what) answered \(answer.status), expected \(expectedStatus)")
        }
    }
}
