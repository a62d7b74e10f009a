import Foundation

/// The bytes of an import file, read in chunks of `chunkSize` from an open file (or held in
/// memory), so that a file of any size is read in bounded memory.
///
/// `next()` returns nil at the end of the input and when reading fails; `failed` tells which.
struct ByteStream {
    static let chunkSize = 1 << 16

    private var chunk: [UInt8]
    private var index = 0
    private let file: OpenFile?
    /// Whether reading the file failed (the input then ends early).
    private(set) var failed = false

    /// The bytes of a file already in memory.
    init(bytes: [UInt8]) {
        chunk = bytes
        file = nil
    }

    /// The bytes of the file at `path`, or nil when it cannot be opened.
    init?(path: String) {
        guard let file = OpenFile(path: path) else { return nil }
        self.file = file
        chunk = []
    }

    /// The next byte, or nil at the end of the input.
    @inline(__always)
    mutating func next() -> UInt8? {
        if index < chunk.count {
            defer { index += 1 }
            return chunk[index]
        }
        guard refill() else { return nil }
        defer { index += 1 }
        return chunk[index]
    }

    /// The next byte without consuming it, or nil at the end of the input.
    @inline(__always)
    mutating func peek() -> UInt8? {
        if index < chunk.count { return chunk[index] }
        guard refill() else { return nil }
        return chunk[index]
    }

    /// The first byte that is not in `skipping`, looking no further than the bytes buffered
    /// after one read; nothing is consumed.
    mutating func firstByte(skipping: Set<UInt8>) -> UInt8? {
        guard peek() != nil else { return nil }
        return chunk[index...].first { !skipping.contains($0) }
    }

    /// Consumes `prefix` when the input continues with it (a byte order mark); false otherwise.
    mutating func skip(prefix: [UInt8]) -> Bool {
        guard peek() == prefix.first else { return false }
        if chunk.count - index < prefix.count, let file, !failed {
            // The prefix may straddle two reads: keep the rest of this one and append the next.
            chunk.removeFirst(index)
            index = 0
            guard let more = file.read(upTo: Self.chunkSize) else {
                failed = true
                return false
            }
            chunk.append(contentsOf: more)
        }
        guard chunk.count - index >= prefix.count, chunk[index..<index + prefix.count].elementsEqual(prefix) else {
            return false
        }
        index += prefix.count
        return true
    }

    /// Reads the next chunk; false at the end of the file or when reading fails.
    private mutating func refill() -> Bool {
        guard let file, !failed else { return false }
        index = 0
        guard let bytes = file.read(upTo: Self.chunkSize) else {
            failed = true
            chunk = []
            return false
        }
        chunk = bytes
        return !bytes.isEmpty
    }
}

/// A file descriptor open for reading, closed when the last reference goes.
private final class OpenFile {
    private let descriptor: Int32

    init?(path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes (none at the end of the file), or nil when reading fails.
    func read(upTo count: Int) -> [UInt8]? {
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var result: Int
            repeat {
                result = Foundation.read(descriptor, buffer.baseAddress!, count)
            } while result < 0 && errno == EINTR
            failed = result < 0
            initialized = max(result, 0)
        }
        return failed ? nil : bytes
    }
}
