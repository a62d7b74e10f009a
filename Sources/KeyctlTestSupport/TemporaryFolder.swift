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

    /// Writes `text` to `name` inside the folder and returns its path.
    @discardableResult
    public func write(_ name: String, _ text: String) -> String {
        let target = file(name)
        FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
        return target
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
