import CSpawn
import Foundation
import KeyStore
import Rotation

/// Runs an external program for the exec adapters: the command from keyctl.toml (never a
/// secret in its arguments), input on stdin, an allowlisted environment (`HookEnvironment`), a timeout.
///
/// Built on `keyctl_spawn` (CSpawn: clone with CLONE_VFORK, then execve) rather than Foundation's
/// `Process`, which is not safe to start from many threads at once (`rotate --overdue
/// --concurrency 16` does) and costs more per start.
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
    /// The variables of keyctl's environment every call passes on: the standard ones and those
    /// the adapter's config passes through (its `env` setting).
    private let inherited: [String: String]

    /// How much of a program's stderr is kept (redacted, then cut much shorter, for messages).
    static let stderrLimit = 16_384

    init(command: [String], timeoutSeconds: Double, adapter: String, passThrough: [String] = []) {
        self.command = command
        self.timeoutSeconds = timeoutSeconds
        self.adapter = adapter
        inherited = HookEnvironment.build(inheriting: Self.processEnvironment, passThrough: passThrough, extra: [:])
    }

    /// keyctl's environment, read once: keyctl never changes it, and `rotate --overdue` builds
    /// three runners for every key it rotates.
    private static let processEnvironment = ProcessEnvironment.variables()

    /// Runs the command to completion. Throws `.retryable` on timeout, `.needsOperator` when it
    /// cannot start.
    func run(stdin: Data, environment extra: [String: String] = [:]) async throws -> Output {
        let runner = self
        return try await withCheckedThrowingContinuation { continuation in
            // The waits below block: they belong on a thread of their own, not Swift's cooperative
            // pool. A serial queue runs on Dispatch's overcommitting pool, which starts a thread
            // whenever all of its threads are busy and reuses them between calls (a new thread per
            // call cost its creation and stack mapping every time). The thread that spawns the
            // child waits for it, so the child's parent-death signal stays tied to this call.
            DispatchQueue(label: "keyctl.adapter-call").async {
                continuation.resume(with: Result { try runner.runBlocking(stdin: stdin, extra: extra) })
            }
        }
    }

    /// A program that exits without reading its stdin must not kill keyctl with SIGPIPE: the
    /// write fails with EPIPE instead (as SwiftNIO arranges for sockets).
    private static let brokenPipesIgnored: Void = { signal(SIGPIPE, SIG_IGN) }()

    private func runBlocking(stdin: Data, extra: [String: String]) throws -> Output {
        _ = Self.brokenPipesIgnored
        let environment = inherited.merging(extra) { $1 }
        let child = try SpawnedProcess(arguments: command, environment: environment, adapter: adapter)
        child.writeInput(Array(stdin))
        let (stdout, stderr, timedOut) = child.collectOutput(timeoutSeconds: timeoutSeconds)
        let status = child.wait()
        if timedOut {
            throw AdapterError(.retryable, adapter: adapter, "\(command.first ?? "?") timed out after \(timeoutSeconds)s")
        }
        return Output(status: status, stdout: Data(stdout), stderr: String(decoding: stderr.prefix(Self.stderrLimit), as: UTF8.self))
    }
}

/// One child process started with `keyctl_spawn`, leading its own process group (so a timeout
/// kills it and everything it started), with pipes on its stdin, stdout and stderr.
///
/// A hook dies with keyctl: the child asks the kernel to kill it when keyctl dies
/// (PR_SET_PDEATHSIG, SIGKILL, armed before it runs the hook), more exactly when the thread that
/// waits for it ends, so a keyctl killed mid-rotation (even with kill -9) leaves no hook that writes
/// a target after another process took the rotation over (and restored it).
private final class SpawnedProcess {
    let pid: pid_t
    private var input: Int32
    private let output: Int32
    private let errors: Int32

    /// Pipes are created and marked close-on-exec under this lock, and children spawned under it,
    /// so that no child started by another thread inherits this child's pipe ends.
    private static let spawnLock = NSLock()

    init(arguments: [String], environment: [String: String], adapter: String) throws {
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        // Close-on-exec from birth (pipe2), so that no process spawned at the same moment by other
        // code (Foundation's Process does not take spawnLock) inherits a pipe end and holds it open.
        guard closeOnExecPipe(&inPipe, O_CLOEXEC) == 0, closeOnExecPipe(&outPipe, O_CLOEXEC) == 0, closeOnExecPipe(&errPipe, O_CLOEXEC) == 0 else {
            throw AdapterError(.retryable, adapter: adapter, "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        guard let program = Self.resolve(arguments[0], path: environment["PATH"]) else {
            [inPipe, outPipe, errPipe].joined().forEach { close($0) }
            throw AdapterError(.needsOperator, adapter: adapter, "cannot run \(arguments[0]): \(String(cString: strerror(ENOENT)))")
        }
        let argv = ([program] + arguments.dropFirst()).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var spawned: pid_t = 0
        let result = keyctl_spawn(program, argv, envp, inPipe[0], outPipe[1], errPipe[1], &spawned)
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard result == 0 else {
            [inPipe[1], outPipe[0], errPipe[0]].forEach { close($0) }
            throw AdapterError(.needsOperator, adapter: adapter, "cannot run \(arguments[0]): \(String(cString: strerror(result)))")
        }
        pid = spawned
        input = inPipe[1]
        output = outPipe[0]
        errors = errPipe[0]
    }

    /// `program` as a path: itself when it names one, else the first executable of that name on
    /// `path`, as a shell would find it; nil when there is none.
    static func resolve(_ program: String, path: String?) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for folder in (path ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Writes `bytes` to the child's stdin and closes it. A child that exits without reading
    /// makes the write fail with EPIPE, which is ignored.
    func writeInput(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(input, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    break
                }
                offset += written
            }
        }
        close(input)
        input = -1
    }

    /// Reads stdout and stderr until both close. Past the deadline, kills the process group.
    func collectOutput(timeoutSeconds: Double) -> (stdout: [UInt8], stderr: [UInt8], timedOut: Bool) {
        var collected: [Int32: [UInt8]] = [output: [], errors: []]
        var open = [output, errors]
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        var timedOut = false
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let remaining = timedOut ? 2_000 : Int32(max(0, deadline.timeIntervalSinceNow) * 1_000)
            let ready = poll(&fds, nfds_t(fds.count), remaining)
            if ready == 0 && !timedOut {
                timedOut = true
                kill(-pid, SIGKILL)
                continue
            }
            // Killed, yet a pipe stays open: a process outside the group holds it. Stop reading.
            if ready == 0 { break }
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            for descriptor in fds where descriptor.revents != 0 {
                let count = read(descriptor.fd, &chunk, chunk.count)
                if count > 0 {
                    if collected[descriptor.fd]!.count < 1 << 20 { collected[descriptor.fd]! += chunk[0..<count] }
                } else if count == 0 || errno != EINTR {
                    open.removeAll { $0 == descriptor.fd }
                }
            }
        }
        close(output)
        close(errors)
        return (collected[output]!, collected[errors]!, timedOut)
    }

    /// Waits for the child; returns its exit status (128 + signal when killed).
    func wait() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

extension ProcessRunner.Output {
    /// The first line of stderr, for error messages: redacted by `redactor` (which knows the
    /// secret the program was given) and capped, since a program may print what it was given.
    func reason(redactor: SecretRedactor) -> String {
        let line = redactor.redact(stderr, limit: .max).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        let excerpt = SecretRedactor.cap(line.trimmingCharacters(in: .whitespaces), bytes: SecretRedactor.maximumBytes)
        return excerpt.isEmpty ? "exit status \(status)" : "\(excerpt) (exit status \(status))"
    }

    /// Exit 75 (EX_TEMPFAIL) means "try again"; any other failure needs an operator.
    func failure(adapter: String, doing what: String, redactor: SecretRedactor) -> AdapterError {
        AdapterError(status == 75 ? .retryable : .needsOperator, adapter: adapter, "\(what) failed: \(reason(redactor: redactor))")
    }
}

/// glibc's `pipe2(2)`, which Swift's Glibc module does not export (it needs _GNU_SOURCE).
@_silgen_name("pipe2")
private func closeOnExecPipe(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
