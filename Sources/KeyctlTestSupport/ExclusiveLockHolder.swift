import Foundation

/// Another process (the `sqlite3` CLI) holding an exclusive lock on a database file,
/// as a second keyctl or a backup job would.
public final class ExclusiveLockHolder: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()

    /// Returns once the lock is held.
    public init(path: String) throws {
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'locked';\n".utf8))
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("locked") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { throw CocoaError(.fileReadUnknown) }
            seen += chunk
        }
    }

    /// Ends the lock holder's transaction and process; safe to call twice.
    public func release() {
        guard process.isRunning else { return }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}
