import Foundation

/// Runs the built `keyctl` executable as an operator or cron would.
public enum KeyctlProcess {
    public struct Result: Sendable {
        public let code: Int32
        public let stdout: String
        public let stderr: String
        /// True when the process was killed by a signal (a fault-injection point).
        public let killed: Bool
    }

    /// `$KEYCTL_BIN`, else `keyctl` beside the test bundle, else `.build/debug/keyctl` in the package.
    public static let binary: String? = {
        let environment = ProcessInfo.processInfo.environment
        var candidates = [environment["KEYCTL_BIN"]].compactMap { $0 }
        candidates.append((CommandLine.arguments[0] as NSString).deletingLastPathComponent + "/keyctl")
        candidates.append((Bundle.main.bundlePath as NSString).deletingLastPathComponent + "/keyctl")
        candidates.append(packageRoot + "/.build/debug/keyctl")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The package's root folder, for fixtures under `Tests/Fixtures`.
    public static let packageRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    public static func fixture(_ name: String) -> String { packageRoot + "/Tests/Fixtures/" + name }

    /// Runs keyctl with exactly `environment` (plus PATH) and `stdin`, and waits for it.
    public static func run(_ arguments: [String], environment: [String: String], stdin: String = "", host: String? = nil) throws -> Result {
        let process = try start(arguments, environment: environment, stdin: stdin, host: host)
        return process.wait()
    }

    /// Starts keyctl without waiting. With `host`, keyctl runs in a UTS namespace of its own under
    /// that host name (`unshare --uts`): to this host's process table it is another machine.
    public static func start(_ arguments: [String], environment: [String: String], stdin: String = "", host: String? = nil) throws -> Running {
        guard let binary else { throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "build keyctl first: swift build"]) }
        let process = Process()
        if let host {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
            process.arguments = ["--uts", "sh", "-c", "hostname \"$0\" && exec \"$@\"", host, binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"].merging(environment) { $1 }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        return Running(process: process, output: output, errors: errors)
    }

    public final class Running: @unchecked Sendable {
        let process: Process
        let output: Pipe
        let errors: Pipe

        init(process: Process, output: Pipe, errors: Pipe) {
            self.process = process
            self.output = output
            self.errors = errors
        }

        public var pid: Int32 { process.processIdentifier }

        /// Kills the process with SIGKILL, as `kill -9` would.
        public func kill() { signal(SIGKILL) }

        /// Sends `number` to the process: SIGSTOP pauses it (a VM frozen, a laptop lid closed), SIGCONT wakes it.
        public func signal(_ number: Int32) { _ = Foundation.kill(process.processIdentifier, number) }

        public func wait() -> Result {
            let errorData = LockedBox<Data>()
            let reader = Thread { errorData.value = self.errors.fileHandleForReading.readDataToEndOfFile() }
            reader.start()
            let out = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            while errorData.value == nil { usleep(1_000) }
            return Result(
                code: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
                stderr: String(decoding: errorData.value ?? Data(), as: UTF8.self), killed: process.terminationReason == .uncaughtSignal)
        }
    }
}

/// A value set by one thread and read by another.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value?
    var value: Value? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
