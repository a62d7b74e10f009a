import Foundation
import Synchronization

/// Reads the history of a repository the way gitleaks v8 and TruffleHog do: one
/// `git log -p -U0 --full-history` process (with `--all` for every branch, tag and stash), its
/// output streamed through `GitLogParser`, added lines only. Merge commits show no diff of their
/// own (their changes are scanned in the commits that made them).
struct GitHistory {
    /// Marks each commit: NUL, full hash, NUL, author date (epoch seconds), NUL, author.
    static let format = "--format=%x00%H%x00%at%x00%an <%ae>"

    let repository: String
    var allBranches = false
    var environment = ProcessInfo.processInfo.environment

    /// The `git` arguments: settings that would change the output's shape are pinned, and nothing
    /// the repository itself carries can hide a commit or a diff from the scan: replace refs are
    /// ignored, every diff is shown as text (a committed `.gitattributes` saying `-diff`, or a
    /// tiny `core.bigFileThreshold`, would otherwise turn a file's lines into "Binary files
    /// differ"), the output encoding is UTF-8 and root commits are shown.
    var arguments: [String] {
        ["--no-replace-objects", "-C", repository,
         "-c", "core.quotePath=false", "-c", "log.showSignature=false", "-c", "diff.noprefix=false",
         "-c", "core.bigFileThreshold=512m", "-c", "i18n.logOutputEncoding=UTF-8", "-c", "log.showRoot=true",
         "log", "-p", "-U0", "--full-history", "--text", "--no-color", "--no-ext-diff", "--no-textconv", "--no-notes",
         "--no-relative", "--src-prefix=a/", "--dst-prefix=b/", Self.format] + (allBranches ? ["--all"] : [])
    }

    /// Checks that `repository` is in a git repository. Throws a bad-input `ScanError` when it is
    /// not, a failure when git cannot be run.
    func check() throws(ScanError) {
        let (status, output) = try run(["-C", repository, "rev-parse", "--git-dir"])
        guard status == 0 else {
            let reason = output.split(separator: "\n").first.map(String.init) ?? "git rev-parse failed"
            throw ScanError(.badInput, "\(repository) is not a git repository (\(reason))")
        }
    }

    /// Streams the history through `body`, one file's added lines at a time. Returns how many
    /// commits were read. A repository without commits has no history.
    func read(_ body: (GitLogParser.AddedLines) -> Void) throws(ScanError) -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.environment = gitEnvironment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ScanError(.failed, "cannot run git: \(error.localizedDescription)") }
        let collected = ErrorCollector(errors.fileHandleForReading)
        var parser = GitLogParser()
        var splitter = LineSplitter()
        let descriptor = output.fileHandleForReading.fileDescriptor
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 { break }
            chunk.withUnsafeBufferPointer { bytes in
                splitter.feed(UnsafeBufferPointer(rebasing: bytes[0..<count])) { parser.consume($0, body) }
            }
        }
        splitter.finish { parser.consume($0, body) }
        parser.finish(body)
        process.waitUntilExit()
        let message = collected.text()
        if process.terminationStatus != 0 {
            if message.contains("does not have any commits") { return 0 }
            throw ScanError(.failed, "git log failed in \(repository): \(message.split(separator: "\n").first ?? "exit \(process.terminationStatus)")")
        }
        return parser.commits
    }

    private var gitEnvironment: [String: String] {
        var environment = environment
        environment["LC_ALL"] = "C"
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_PAGER"] = "cat"
        // Grafts, like replace refs, would let the repository rewrite its own history for the scan.
        environment["GIT_GRAFT_FILE"] = "/dev/null"
        environment["GIT_NO_REPLACE_OBJECTS"] = "1"
        return environment
    }

    private func run(_ arguments: [String]) throws(ScanError) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.environment = gitEnvironment
        let output = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { throw ScanError(.failed, "cannot run git: \(error.localizedDescription)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 { throw ScanError(.failed, "git is not installed (needed for --git)") }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).replacingOccurrences(of: "fatal: ", with: ""))
    }
}

/// Drains a child's standard error on its own thread (so a chatty child never blocks on a full
/// pipe) and keeps its first 4 KiB.
private final class ErrorCollector: Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let kept = Mutex(Data())

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                kept.withLock { if $0.count < 4096 { $0.append(data.prefix(4096 - $0.count)) } }
            }
            done.signal()
        }
    }

    func text() -> String {
        done.wait()
        return kept.withLock { String(decoding: $0, as: UTF8.self) }
    }
}
