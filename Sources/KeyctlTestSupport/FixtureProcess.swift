import Foundation

/// A Python fixture from `Tests/Fixtures` running in the background, and the first line it printed
/// (its port, or a JSON object of ports) once it is ready.
public final class FixtureProcess: @unchecked Sendable {
    private let process = Process()
    public let firstLine: String

    public init(_ script: String, arguments: [String] = []) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", KeyctlProcess.fixture(script)] + arguments
        process.standardOutput = output
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw FixtureError("\(script) exited before it was ready (see its stderr above)") }
            line += chunk
        }
        firstLine = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { stop() }

    /// The first line as a port number.
    public func port() throws -> Int {
        guard let port = Int(firstLine) else { throw FixtureError("expected a port, got '\(firstLine)'") }
        return port
    }

    /// Kills the fixture; safe to call twice.
    public func stop() {
        let pid = process.processIdentifier
        guard pid > 0, kill(pid, SIGKILL) == 0 else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
