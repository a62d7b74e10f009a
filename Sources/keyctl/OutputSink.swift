import Foundation

/// Where a command's output goes: standard output or error, or a buffer in tests.
protocol OutputSink: Sendable {
    func write(_ bytes: [UInt8])
}

extension OutputSink {
    func write(_ text: String) { write(Array(text.utf8)) }
    func line(_ text: String) { write(Array((text + "\n").utf8)) }
}

/// Writes straight to a file descriptor, retrying short writes.
struct FileDescriptorSink: OutputSink {
    let descriptor: Int32

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
