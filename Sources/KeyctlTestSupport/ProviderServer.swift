import Foundation

/// `Tests/Fixtures/fake_provider.py` on a free loopback port: a provider that really issues and
/// revokes keys, and whose `/check` accepts only the keys valid now.
public final class ProviderServer: @unchecked Sendable {
    private let process = Process()
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    public init() throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", KeyctlProcess.fixture("fake_provider.py")]
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw CocoaError(.fileReadUnknown) }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        self.port = port
    }

    deinit { stop() }

    /// Kills the server; safe to call twice.
    public func stop() {
        let pid = process.processIdentifier
        guard pid > 0, kill(pid, SIGKILL) == 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    /// Issues a key as if created before keyctl managed it.
    public func issue(idempotencyKey: String) async throws -> String {
        var request = URLRequest(url: URL(string: url + "/admin/keys")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: ["idempotency_key": idempotencyKey])
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["secret"] as? String ?? ""
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
