import Foundation
import KeyStore
import KeyctlTestSupport
import Synchronization
@testable import keyctl

/// Collects what a command writes.
final class CapturedOutput: OutputSink {
    private let bytes = Mutex<[UInt8]>([])
    func write(_ data: [UInt8]) { bytes.withLock { $0 += data } }
    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}

/// What one in-process run of `keyctl` did.
struct CLIResult {
    let code: Int32
    let stdout: String
    let stderr: String

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] ?? [:]
    }
}

/// Runs keyctl commands in-process against a registry in a temporary folder, with a manual clock.
struct CLIHarness {
    let folder = TemporaryFolder()
    let clock: ManualClock
    var environment: [String: String]

    init(now: String = "2026-11-29T12:00:00Z") {
        clock = ManualClock(now)
        environment = ["KEYCTL_DB": folder.file("data/registry.db"), "KEYCTL_ACTOR": "tester", "HOME": folder.path]
    }

    var registryPath: String { folder.file("data/registry.db") }

    /// An initialised harness.
    static func initialised(now: String = "2026-11-29T12:00:00Z") async -> CLIHarness {
        let harness = CLIHarness(now: now)
        _ = await harness.run("init")
        return harness
    }

    func run(_ arguments: String..., stdin: String = "", terminal: Bool = false) async -> CLIResult {
        await run(arguments, stdin: stdin, terminal: terminal)
    }

    func run(_ arguments: [String], stdin: String = "", terminal: Bool = false) async -> CLIResult {
        let stdout = CapturedOutput(), stderr = CapturedOutput()
        let context = CommandContext(
            environment: environment, currentDirectory: folder.path, readStandardInput: { Data(stdin.utf8) },
            standardOutput: stdout, standardError: stderr, clock: clock, outputIsTerminal: terminal, inputIsTerminal: false)
        let code = await Keyctl.run(arguments: arguments, context: context)
        return CLIResult(code: code, stdout: stdout.text, stderr: stderr.text)
    }

    /// The registry file's bytes with its WAL, to check what was (not) written.
    func registryBytes() -> Data {
        let main = FileManager.default.contents(atPath: registryPath) ?? Data()
        return main + (FileManager.default.contents(atPath: registryPath + "-wal") ?? Data())
    }

    /// How many audit events the registry holds: the measure of "nothing was written".
    func eventCount() async -> Int {
        let result = await run("audit", "--format", "json")
        return ((try? result.json())?["events"] as? [Any])?.count ?? -1
    }
}
