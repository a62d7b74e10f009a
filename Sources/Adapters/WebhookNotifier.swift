import AsyncHTTPClient
import Foundation
import KeyStore
import NIOCore
import NIOHTTP1
import Rotation

/// POSTs rotation events as JSON, signed with `X-Keyctl-Signature` (see `WebhookSignature`).
public struct WebhookNotifier: Notifier {
    public let name: String
    let url: String
    let secrets: [Secret]
    let clock: any WallClock

    public init(name: String, url: String, secrets: [Secret], clock: any WallClock) {
        self.name = name
        self.url = url
        self.secrets = secrets
        self.clock = clock
    }

    public func notify(_ event: RotationNotice) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let body = try encoder.encode(event)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(
            name: WebhookSignature.headerName,
            value: WebhookSignature.sign(body: Array(body), timestamp: Timestamp.epochSeconds(clock.now()), secrets: secrets))
        request.body = .bytes(ByteBuffer(bytes: Array(body)))
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        } catch {
            throw AdapterError(.retryable, adapter: "notifier \(name)", "POST \(url) failed: \(HTTPErrorDescription.describe(error))")
        }
        guard (200..<300).contains(Int(response.status.code)) else {
            throw AdapterError(.needsOperator, adapter: "notifier \(name)", "POST \(url) answered \(response.status.code)")
        }
    }
}
