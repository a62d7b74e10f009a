import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Rotation

/// One HTTP request an adapter makes to a secret store or a provider, with transport failures
/// turned into retryable `AdapterError`s whose text carries no header (headers hold tokens).
struct HTTPCall: Sendable {
    let adapter: String
    let timeoutSeconds: Int64
    /// Set when a CA file is configured; nil trusts the system's roots.
    let tls: TLSConfiguration?

    init(adapter: String, timeoutSeconds: Int64, caFile: String?) {
        self.adapter = adapter
        self.timeoutSeconds = timeoutSeconds
        tls = caFile.map { file in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .file(file)
            return configuration
        }
    }

    /// Sends the request and reads up to 1 MiB of the answer. Throws `.retryable` when no answer came.
    func send(_ method: HTTPMethod, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.tlsConfiguration = tls
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeoutSeconds))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            return HTTPAnswer(status: Int(response.status.code), body: Array(bytes.readableBytesView), what: "\(method.rawValue) \(Self.redacted(url))")
        } catch {
            throw AdapterError(.retryable, adapter: adapter, "\(method.rawValue) \(Self.redacted(url)) failed: \(HTTPErrorDescription.describe(error))")
        }
    }

    /// The URL without user info and query, either of which may carry a credential.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else {
            return url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? url
    }
}

/// An HTTP answer: its status and body.
struct HTTPAnswer: Sendable {
    let status: Int
    let body: [UInt8]
    /// The request, for messages: `POST https://vault.example.com/v1/secret/data/app`.
    let what: String

    var isSuccess: Bool { (200...299).contains(status) }

    /// The body as a JSON object; throws `.retryable` (a proxy's error page, a half-written answer)
    /// when it is not one.
    func jsonObject(adapter: String) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw AdapterError(.retryable, adapter: adapter, "\(what) answered \(status) with something that is not a JSON object")
        }
        return object
    }

    /// The failure for an unexpected status: 401/403 (the credential keyctl uses was rejected: it
    /// may not have propagated yet), 408, 429 and 5xx are retried; others need an operator.
    /// `reason` is the service's own error text, when it has one worth showing: it may repeat what
    /// it was sent, so it is shown through `redactor` (built with the secrets the request carried).
    func failure(adapter: String, reason: String?, redactor: SecretRedactor) -> AdapterError {
        let text = "\(what) answered \(status)" + (reason.map { ": \(redactor.redact($0))" } ?? "")
        switch status {
        case 401, 403:
            return AdapterError(.retryable, adapter: adapter, "\(text) (the credential keyctl uses was rejected: check it and its permissions)")
        case 408, 429, 500...599:
            return AdapterError(.retryable, adapter: adapter, text)
        default:
            return AdapterError(.needsOperator, adapter: adapter, text)
        }
    }
}
