import Foundation

/// `Tests/Fixtures/fake_provider.py` on a free loopback port: a provider that really issues and
/// revokes keys, and whose `/check` accepts only the keys valid now.
public final class ProviderServer: @unchecked Sendable {
    private let fixture: FixtureProcess
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    public init() throws {
        fixture = try FixtureProcess("fake_provider.py")
        port = try fixture.port()
    }

    /// Kills the server; safe to call twice.
    public func stop() {
        fixture.stop()
    }

    /// Issues a key as if created before keyctl managed it.
    public func issue(idempotencyKey: String) async throws -> String {
        try await issueKey(idempotencyKey: idempotencyKey).secret
    }

    /// Issues a key as if created before keyctl managed it: its id and secret.
    public func issueKey(idempotencyKey: String) async throws -> (id: String, secret: String) {
        let object = try await post("/admin/keys", ["idempotency_key": idempotencyKey])
        return (object?["id"] as? String ?? "", object?["secret"] as? String ?? "")
    }

    /// How the REST admin API answers from now on: "ok", "garbage", "slow", "reject" or "error".
    public func setAdminAPIMode(_ mode: String) async throws {
        _ = try await post("/admin/mode", ["mode": mode])
    }

    /// How revocation behaves from now on: `ok`, `ignored` (deletes answered but not done) or
    /// `unverifiable` (the application endpoint answers 503 for a key that is not valid).
    public func setRevocationMode(_ mode: String) async throws {
        _ = try await post("/admin/revocation", ["mode": mode])
    }

    /// The admin token the REST admin API accepts.
    public static let adminToken = "admin-token-for-tests"

    private func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any]? {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, _) = try await URLSession.shared.data(for: request)
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    /// The fingerprints of the keys valid now.
    public func validFingerprints() async throws -> [String] {
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + "/admin/valid")!)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["fingerprints"] as? [String] ?? []
    }

    /// Whether `/check` accepts `secret`, as the application's request would.
    public func accepts(_ secret: String) async throws -> Bool {
        var request = URLRequest(url: URL(string: url + "/check")!)
        request.setValue("Bearer \(secret)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode == 200
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
