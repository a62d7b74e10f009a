import Foundation

/// The checkpoint file: one checkpoint a line, created 0600 (in a 0700 folder), only ever
/// appended to (`O_APPEND`, each line in one write, then fsync), under an exclusive lock so that
/// concurrent keyctl processes extend the checkpoint chain one after the other.
struct AuditCheckpointFile: Sendable {
    let path: String

    /// The longest line the file can hold; a longer one is not a checkpoint.
    private static let tailLength = 8_192

    /// Locks the file, calls `next` with its last checkpoint (nil when the file is empty), and
    /// appends the checkpoint `next` returns, if any. Throws `KeyStoreError` (`failed`) when the
    /// file cannot be opened or written, or when its last line is not a checkpoint.
    func append(
        _ next: ((checkpoint: AuditCheckpoint, line: String)?) async throws -> AuditCheckpoint?
    ) async throws -> AuditCheckpoint? {
        let folder = (path as NSString).deletingLastPathComponent
        try KeyFile.createFolder(folder)
        let existed = FileManager.default.fileExists(atPath: path)
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KeyFile.failure("cannot open the audit checkpoint file \(path)") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw KeyFile.failure("cannot lock the audit checkpoint file \(path)") }
        }
        let last = try lastLine(descriptor)
        var previous: (checkpoint: AuditCheckpoint, line: String)?
        if let last {
            guard let checkpoint = AuditCheckpoint(line: last) else {
                throw KeyStoreError(
                    .failed, "the last line of the audit checkpoint file \(path) is not a checkpoint; run `keyctl audit verify`, then move the file aside to start a new one")
            }
            previous = (checkpoint, last)
        }
        guard let checkpoint = try await next(previous) else { return nil }
        try KeyFile.writeAll(Array((checkpoint.line + "\n").utf8), to: descriptor, name: path)
        guard fsync(descriptor) == 0 else { throw KeyFile.failure("cannot flush the audit checkpoint file \(path) to disk") }
        if !existed { KeyFile.syncFolder(folder) }
        return checkpoint
    }

    /// Every non-empty line, in order, read under a shared lock (never half an appended line);
    /// nil when the file does not exist. Throws `KeyStoreError` (`failed`) when it cannot be read.
    func lines() throws(KeyStoreError) -> [String]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw KeyFile.failure("cannot read the audit checkpoint file \(path)")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        while flock(descriptor, LOCK_SH) != 0 {
            guard errno == EINTR else { throw KeyFile.failure("cannot lock the audit checkpoint file \(path)") }
        }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw KeyStoreError(.failed, "cannot read the audit checkpoint file \(path): \(error.localizedDescription)")
        }
        return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// The last non-empty line, read from the end of the file; nil when the file is empty.
    private func lastLine(_ descriptor: Int32) throws(KeyStoreError) -> String? {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw KeyFile.failure("cannot read the audit checkpoint file \(path)") }
        let size = Int(status.st_size)
        let start = max(0, size - Self.tailLength)
        var buffer = [UInt8](repeating: 0, count: size - start)
        var filled = 0
        while filled < buffer.count {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(start + filled)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw KeyFile.failure("cannot read the audit checkpoint file \(path)") }
            filled += count
        }
        let lines = buffer.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let last = lines.last else { return nil }
        // A line that began before the tail we read is longer than any checkpoint.
        if start > 0, last.startIndex == buffer.startIndex { return "" }
        return String(decoding: last, as: UTF8.self)
    }
}
