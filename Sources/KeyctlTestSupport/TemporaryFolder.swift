import Foundation

/// A fresh folder under the system's temporary directory, removed when the value is released.
public final class TemporaryFolder: Sendable {
    public let path: String

    public init() {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("keyctl-test-XXXXXX")
        var bytes = Array(template.utf8CString)
        path = bytes.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    /// The path of `name` inside the folder.
    public func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    /// Writes `text` to `name` inside the folder and returns its path. The file is opened
    /// close-on-exec, so that a process spawned meanwhile by another test does not keep it open
    /// for writing (which would make executing it fail with "text file busy").
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        let descriptor = open(target, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        precondition(descriptor >= 0, "cannot write \(target)")
        Array(text.utf8).withUnsafeBytes { _ = Foundation.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
