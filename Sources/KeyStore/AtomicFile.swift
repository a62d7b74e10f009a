import Foundation

/// Replaces a file's contents atomically: a temporary file in the same folder, written, fsynced,
/// then renamed over the target, so a reader sees the old contents or the new, never half.
public enum AtomicFile {
    /// Writes `data` to `path` with mode `mode` (and `owner`, when given). With `exclusive`,
    /// fails if `path` exists.
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600, owner: (uid_t, gid_t)? = nil, exclusive: Bool = false) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var template = Array(((folder.isEmpty ? "." : folder) + "/.keyctl-tmp-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw fileError("cannot create a temporary file in \(folder)") }
        let temporary = String(cString: template)
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            guard fchmod(descriptor, mode) == 0 else { throw fileError("cannot set the mode of \(temporary)") }
            if let owner, fchown(descriptor, owner.0, owner.1) != 0, geteuid() == 0 {
                throw fileError("cannot set the owner of \(temporary)")
            }
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw fileError("cannot write \(temporary)")
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else { throw fileError("cannot flush \(temporary) to disk") }
        }
        if exclusive {
            guard link(temporary, path) == 0 else { throw fileError("\(path) already exists") }
            unlink(temporary)
        } else {
            guard rename(temporary, path) == 0 else { throw fileError("cannot replace \(path)") }
        }
        renamed = true
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    private static func fileError(_ message: String) -> AtomicFileError {
        AtomicFileError(description: "\(message): \(String(cString: strerror(errno)))")
    }
}

/// A file that could not be written; nothing was replaced.
public struct AtomicFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
