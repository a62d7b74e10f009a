import Foundation
import Synchronization

/// Scans the files of a `FileTree` in parallel, one `FragmentScanner` and one read buffer per
/// thread, on bytes. A file is skipped and counted when it cannot be read, is over
/// `maximumFileSize`, or has a NUL byte in its first 8 KiB (binary).
struct FileTreeScan {
    /// Files larger than this (32 MiB) are skipped as too large.
    static let maximumFileSize = 32 << 20
    /// How much of a file's start is checked for a NUL byte.
    static let binaryProbeLength = 8 << 10

    let detectors: ScanDetectors
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func scan(_ tree: FileTree) -> (hits: [ScanHit], summary: ScanSummary) {
        let files = tree.files
        let next = Mutex(0)
        let results = Mutex<(hits: [ScanHit], summary: ScanSummary)>(([], tree.summary))
        let batch = 8
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, files.count))) { _ in
            let scanner = FragmentScanner(detectors)
            var buffer = ReadBuffer()
            var hits: [ScanHit] = []
            var summary = ScanSummary()
            while true {
                let start = next.withLock { value in
                    defer { value += batch }
                    return value
                }
                guard start < files.count else { break }
                for index in start..<min(start + batch, files.count) {
                    let file = files[index]
                    buffer.scan(file.open, into: &summary) { bytes in
                        scanner.scan(bytes, ScanFragment(path: file.shown), into: &hits)
                    }
                }
            }
            summary.ruleTimeouts = scanner.ruleTimeouts
            results.withLock { results in
                results.hits += hits
                results.summary.add(summary)
            }
        }
        return results.withLock { $0 }
    }
}

/// A growable buffer a thread reads whole files into.
struct ReadBuffer: ~Copyable {
    private var storage: UnsafeMutableRawBufferPointer

    init() { storage = .allocate(byteCount: 1 << 20, alignment: 16) }

    deinit { storage.deallocate() }

    /// Reads the file at `path` and passes its bytes to `body`, or counts why it was skipped.
    mutating func scan(_ path: String, into summary: inout ScanSummary, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ELOOP { summary.brokenSymlinks += 1 } else { summary.unreadable += 1 }
            return
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { summary.unreadable += 1; return }
        guard (info.st_mode & S_IFMT) == S_IFREG else { summary.special += 1; return }
        guard Int(info.st_size) <= FileTreeScan.maximumFileSize else { summary.tooLarge += 1; return }
        if storage.count < Int(info.st_size) + 1 {
            storage.deallocate()
            storage = .allocate(byteCount: Int(info.st_size) + 1, alignment: 16)
        }
        var length = 0
        while length < storage.count {
            let count = read(descriptor, storage.baseAddress! + length, storage.count - length)
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                summary.unreadable += 1
                return
            }
            if count == 0 { break }
            length += count
        }
        guard length <= FileTreeScan.maximumFileSize else { summary.tooLarge += 1; return }
        let bytes = UnsafeBufferPointer(start: storage.baseAddress!.assumingMemoryBound(to: UInt8.self), count: length)
        if memchr(storage.baseAddress!, 0, min(length, FileTreeScan.binaryProbeLength)) != nil {
            summary.binary += 1
            return
        }
        summary.files += 1
        summary.bytes += length
        body(bytes)
    }
}
