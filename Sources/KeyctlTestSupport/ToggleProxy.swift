import Foundation

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
