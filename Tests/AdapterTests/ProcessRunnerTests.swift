@testable import Adapters
import Foundation
import KeyctlTestSupport
import Rotation
import Testing

/// How a hook is started: armed to die with keyctl, in a process group of its own, with default
/// signals and nothing of keyctl's but its three pipes.
struct ProcessRunnerTests {
    let folder = TemporaryFolder()

    @Test func aHookStartsArmedToDieWithKeyctlLeadingItsGroupWithOnlyItsPipes() async throws {
        // Python asks the kernel for its own parent-death signal; a descriptor that shows in the
        // listing but is gone right after was the listing's own.
        let python = """
            import ctypes, os
            signal = ctypes.c_int(0)
            ctypes.CDLL(None).prctl(2, ctypes.byref(signal), 0, 0, 0)  # PR_GET_PDEATHSIG
            fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd") if os.path.exists(f"/proc/self/fd/{fd}"))
            print(f"deathsig={signal.value} leader={os.getpgid(0) == os.getpid()} fds={fds} stdin={input()}")
            """
        let runner = ProcessRunner(command: ["/usr/bin/python3", "-c", python], timeoutSeconds: 20, adapter: "test hook")
        let output = try await runner.run(stdin: Data("given\n".utf8))
        #expect(output.status == 0, "\(output.stderr)")
        // Not even the test runner's inherited sockets reach the hook.
        #expect(String(decoding: output.stdout, as: UTF8.self) == "deathsig=\(SIGKILL) leader=True fds=[0, 1, 2] stdin=given\n")
    }

    @Test func aHookStartsWithAnEmptySignalMaskAndSIGPIPEAtItsDefault() async throws {
        // grep changes neither (a shell or Python would), so it reports them as it was started.
        let runner = ProcessRunner(command: ["/bin/grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"], timeoutSeconds: 20, adapter: "test hook")
        let output = try await runner.run(stdin: Data())
        let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n")
        func mask(_ name: String) -> UInt64? {
            lines.first { $0.hasPrefix(name + ":") }.flatMap { UInt64($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16) }
        }
        #expect(mask("SigBlk") == 0, "the signal mask is empty: \(lines)")
        let pipeBit: UInt64 = 1 << (UInt64(SIGPIPE) - 1)
        #expect(mask("SigIgn").map { $0 & pipeBit == 0 } == true, "SIGPIPE is back at its default: \(lines)")
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
