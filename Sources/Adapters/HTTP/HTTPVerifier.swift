import AsyncHTTPClient
import Foundation
import KeyStore
import NIOCore
import NIOHTTP1
import Rotation

/// Proves a secret works by making the request the application makes: the secret goes into a
/// header template (`Authorization: Bearer {{secret}}`). The expected status means accepted; 401
/// and 403 mean rejected; timeouts, refused connections, 429 and 5xx are retryable. HTTPS is
/// required except to loopback addresses.
public struct HTTPVerifier: Verifier {
    public let name: String
    let url: String
    let method: String
    let headers: [(name: String, template: String)]
    let expectedStatus: Int
    let timeoutSeconds: Int64

    public init(name: String, url: String, method: String, headers: [(name: String, template: String)], expectedStatus: Int, timeoutSeconds: Int64) {
        self.name = name
        self.url = url
        self.method = method
        self.headers = headers
        self.expectedStatus = expectedStatus
        self.timeoutSeconds = timeoutSeconds
    }

    public func verify(_ secret: Secret) async throws -> VerificationOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method)
        for header in headers {
            request.headers.add(name: header.name, value: header.template.replacingOccurrences(of: "{{secret}}", with: secret.revealText()))
        }
        let adapter = "verifier \(name)"
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw AdapterError(.retryable, adapter: adapter, "\(method) \(url) failed: \(HTTPErrorDescription.describe(error))")
        }
        let status = Int(response.status.code)
        switch status {
        case expectedStatus: return .accepted
        case 401, 403: return .rejected("\(method) \(url) answered \(status)")
        case 429, 500...599: throw AdapterError(.retryable, adapter: adapter, "\(method) \(url) answered \(status)")
        default: return .rejected("\(method) \(url) answered \(status), expected \(expectedStatus)")
        }
    }
}
