@testable import Adapters
import Foundation
import KeyctlTestSupport
import Rotation
import Testing

/// How a hook is started: armed to die with keyctl, in a process group of its own, with default
/// signals and nothing of keyctl's but its three pipes.
struct ProcessRunnerTests {
    let folder = TemporaryFolder()

    @Test func aHookStartsArmedToDieWithKeyctlLeadingItsGroupWithDefaultSignalsAndOnlyItsPipes() async throws {
        // The shell reports its signal state and its descriptors (but 3, its own pipe for `$(...)`;
        // the test runner's inherited sockets must not show), then becomes Python (exec keeps
        // the pid, the group and the parent-death signal), which reports those.
        let python = """
            import ctypes, os
            signal = ctypes.c_int(0)
            ctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)  # PR_GET_PDEATHSIG
            print(f"deathsig={signal.value} leader={os.getpgid(0) == os.getpid()} stdin={input()}")
            """
        let shell = "grep -E '^Sig(Blk|Ign)' /proc/$$/status; echo fds=$(ls /proc/$$/fd | sort -n | grep -vx 3 | tr '\\n' ' '); exec /usr/bin/python3 -c \"$1\""
        let runner = ProcessRunner(command: ["/bin/sh", "-c", shell, "sh", python], timeoutSeconds: 20, adapter: "test hook")
        let output = try await runner.run(stdin: Data("given\n".utf8))
        #expect(output.status == 0, "\(output.stderr)")
        let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let fields = Dictionary(lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }, uniquingKeysWith: { first, _ in first })
        #expect(fields["SigBlk"] == "0000000000000000", "the signal mask is empty")
        let ignored = UInt64(fields["SigIgn"] ?? "", radix: 16)
        #expect(ignored.map { $0 & (1 << (UInt64(SIGPIPE) - 1)) == 0 } == true, "SIGPIPE is back at its default: \(fields["SigIgn"] ?? "?")")
        #expect(lines.contains("fds=0 1 2"), "only stdin, stdout and stderr: \(lines)")
        #expect(lines.last == "deathsig=\(SIGKILL) leader=True stdin=given", "\(lines)")
    }

    @Test func aProgramTheKernelCannotExecuteIsReportedAsCannotRun() async throws {
        let path = folder.write("not-a-program", "plain text, no interpreter line\n")
        chmod(path, 0o700)
        let runner = ProcessRunner(command: [path], timeoutSeconds: 5, adapter: "test hook")
        let error = await #expect(throws: AdapterError.self) { try await runner.run(stdin: Data()) }
        #expect(error?.kind == .needsOperator)
        #expect(error?.message.contains("cannot run \(path): \(String(cString: strerror(ENOEXEC)))") == true, "\(error?.message ?? "")")
    }
}
