import Foundation

/// Output held on disk instead of in memory: an unlinked temporary file (so nothing is left
/// behind, whatever happens to the process) written through a 64 KiB buffer and copied to an
/// output at the end. `report --format prometheus` groups every key's samples by metric: spilling
/// each metric's samples keeps it one pass over the keys, in memory that does not grow with the
/// registry.
///
/// It holds key names and environments, never a secret, and is created 0600 in the temporary
/// folder (`TMPDIR`, else `/tmp`).
final class SpillFile {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferSize = 1 << 16

    /// Throws `CommandFailure` (exit 1) when the temporary file cannot be created.
    init() throws {
        let folder = NSTemporaryDirectory()
        var template = Array(((folder.hasSuffix("/") ? folder : folder + "/") + "keyctl-spill.XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Self.failure(folder) }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { close(descriptor) }

    func append(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.bufferSize { try flush() }
    }

    /// Writes everything appended so far to `sink`, in chunks.
    func copy(to sink: any OutputSink) throws {
        try flush()
        guard lseek(descriptor, 0, SEEK_SET) == 0 else { throw Self.failure(NSTemporaryDirectory()) }
        var chunk = [UInt8](repeating: 0, count: Self.bufferSize)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw Self.failure(NSTemporaryDirectory()) }
            if count == 0 { return }
            sink.write(Array(chunk[..<count]))
        }
    }

    private func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Self.failure(NSTemporaryDirectory()) }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private static func failure(_ folder: String) -> CommandFailure {
        CommandFailure(.failed, "cannot write a temporary file in \(folder): \(String(cString: strerror(errno))); free space there or set TMPDIR")
    }
}
