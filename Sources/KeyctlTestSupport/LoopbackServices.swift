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

extension LoopbackServices {
    /// Runs `Tests/Fixtures/cloud.py` against moto: boto3's view of Secrets Manager and IAM, so
    /// that tests check AWS state through another client than keyctl's. Returns its JSON answer.
    public func cloud(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", KeyctlProcess.fixture("cloud.py"), motoURL] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("cloud.py \(arguments.joined(separator: " ")) failed") }
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }
}
