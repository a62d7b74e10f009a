import Foundation
import KeyctlTestSupport
import Testing

/// keyctl holds secrets in memory: it never leaves them in a core file, and another process of
/// the same user cannot read its memory.
struct ProcessHardeningTests {
    @Test func theKeyctlProcessRunsWithoutCoreDumpsAndIsNotDumpable() throws {
        let binary = try #require(KeyctlProcess.binary, "build keyctl first")
        var inherited = rlimit()
        _ = getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &inherited)
        try #require(inherited.rlim_max != 0, "the test runner's hard core limit is already 0: nothing to observe")
        // As an unprivileged user, /proc/PID belongs to that user unless the process made
        // itself non-dumpable, when it belongs to root.
        let nobody: uid_t = 65_534
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = [
            "--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", binary,
            "webhook", "verify", "--secret-env", "HOOK_SECRET", "--header", "t=1,v1=00",
        ]
        process.environment = ["HOOK_SECRET": "whsec_0123456789abcdef", "PATH": "/usr/bin:/bin"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
        // keyctl waits for the webhook body on its standard input, which stays open meanwhile.
        let proc = "/proc/\(process.processIdentifier)"
        var coreLimit: [Substring] = []
        var owner: uid_t?
        for _ in 0..<300 {
            usleep(10_000)
            let limits = (try? String(contentsOfFile: proc + "/limits", encoding: .utf8)) ?? ""
            let line = limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") } ?? ""
            coreLimit = Array(line.split(separator: " ").dropFirst(4).prefix(2))
            var status = stat()
            owner = stat(proc + "/status", &status) == 0 ? status.st_uid : nil
            if coreLimit == ["0", "0"] && owner == 0 { break }
        }
        #expect(coreLimit == ["0", "0"])
        #expect(owner == 0, "/proc/PID belongs to \(owner.map(String.init) ?? "?"): the process is dumpable")
    }
}
