import Foundation
import Rotation

/// Runs an external program for the exec adapters: the command from keyctl.toml (never a
/// secret in its arguments), input on stdin, extra environment, a timeout.
struct ProcessRunner: Sendable {
    struct Output: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    let command: [String]
    let timeoutSeconds: Double
    /// Names the adapter in errors, such as `issuer provider`.
    let adapter: String

    /// Runs the command to completion. Throws `.retryable` on timeout or when it cannot start.
    func run(stdin: Data, environment extra: [String: String] = [:]) async throws -> Output {
        let command = self.command, timeout = timeoutSeconds, adapter = self.adapter
        return try await withCheckedThrowingContinuation { continuation in
            // Blocking waits belong on their own threads, not on Swift's cooperative pool.
            Thread.detachNewThread {
                continuation.resume(with: Result { try Self.runBlocking(command, stdin: stdin, extra: extra, timeout: timeout, adapter: adapter) })
            }
        }
    }

    /// A program that exits without reading its stdin must not kill keyctl with SIGPIPE: the
    /// write fails with EPIPE instead (as SwiftNIO arranges for sockets).
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    private static func runBlocking(_ command: [String], stdin: Data, extra: [String: String], timeout: Double, adapter: String) throws -> Output {
        _ = ignoreBrokenPipes
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KEYCTL_") }.merging(extra) { $1 }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw AdapterError(.needsOperator, adapter: adapter, "cannot run \(command.first ?? "?"): \(error.localizedDescription)")
        }
        // The child leads its own process group: a timeout kills it and everything it started.
        let timer = DispatchWorkItem {
            if process.isRunning { kill(-process.processIdentifier, SIGKILL) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let errorData = LockedData()
        let errorReader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        errorReader.start()
        try? input.fileHandleForWriting.write(contentsOf: stdin)
        try? input.fileHandleForWriting.close()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        while !errorData.isSet { usleep(1_000) }
        if process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL {
            throw AdapterError(.retryable, adapter: adapter, "\(command.first ?? "?") timed out after \(timeout)s")
        }
        let stderr = String(decoding: errorData.value.prefix(2_000), as: UTF8.self)
        return Output(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// A value handed from one thread to another.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?

    func set(_ value: Data) { lock.withLock { data = value } }
    var isSet: Bool { lock.withLock { data != nil } }
    var value: Data { lock.withLock { data ?? Data() } }
}

extension ProcessRunner.Output {
    /// The first line of stderr, for error messages (exec programs must not print secrets there).
    var reason: String {
        let line = stderr.split(separator: "\n").first.map(String.init) ?? ""
        return line.isEmpty ? "exit status \(status)" : "\(line) (exit status \(status))"
    }

    /// Exit 75 (EX_TEMPFAIL) means "try again"; any other failure needs an operator.
    func failure(adapter: String, doing what: String) -> AdapterError {
        AdapterError(status == 75 ? .retryable : .needsOperator, adapter: adapter, "\(what) failed: \(reason)")
    }
}
