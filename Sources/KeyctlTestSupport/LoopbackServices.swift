import Foundation

/// A real OpenBao dev server and a real moto server (Secrets Manager, IAM) on loopback, started
/// once per test process by `Tests/Fixtures/services.py` and stopped when the process exits.
public final class LoopbackServices: Sendable {
    public let baoURL: String
    public let motoURL: String
    /// The OpenBao dev server's root token.
    public let baoToken = "root"
    private let fixture: FixtureProcess

    /// The servers, started on first use. Throws (every time) when they could not be started.
    public static func shared() throws -> LoopbackServices {
        try started.get()
    }

    private static let started = Result { try LoopbackServices() }

    private init() throws {
        fixture = try FixtureProcess("services.py")
        guard let ports = try? JSONSerialization.jsonObject(with: Data(fixture.firstLine.utf8)) as? [String: Int],
              let bao = ports["bao"], let moto = ports["moto"]
        else { throw FixtureError("services.py printed '\(fixture.firstLine)'") }
        baoURL = "http://127.0.0.1:\(bao)"
        motoURL = "http://127.0.0.1:\(moto)"
    }
}

/// `Tests/Fixtures/toggle_proxy.py`: a loopback TCP proxy to a service, which a test can take down
/// and bring back while keyctl talks to the service through it.
public final class ToggleProxy: Sendable {
    private let fixture: FixtureProcess
    private let pid: pid_t
    public let url: String

    public init(to upstream: String) throws {
        guard let port = URLComponents(string: upstream)?.port else { throw FixtureError("no port in \(upstream)") }
        fixture = try FixtureProcess("toggle_proxy.py", arguments: [String(port)])
        let words = fixture.firstLine.split(separator: " ")
        guard words.count == 2, let proxyPort = Int(words[0]), let pid = pid_t(words[1]) else {
            throw FixtureError("toggle_proxy.py printed '\(fixture.firstLine)'")
        }
        url = "http://127.0.0.1:\(proxyPort)"
        self.pid = pid
    }

    /// Connections are refused from now on (open ones are cut).
    public func down() { kill(pid, SIGUSR1); usleep(200_000) }
    public func up() { kill(pid, SIGUSR2); usleep(200_000) }
}
