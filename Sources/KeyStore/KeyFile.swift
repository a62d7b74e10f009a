import Foundation

/// Files holding key material: created all at once or not at all (in a 0700 folder, 0600), and
/// checked before use as ssh checks private keys.
public enum KeyFile {
    /// Why the key file at `path` must not be used, as ssh refuses such private keys: it is a
    /// symbolic link, not owned by the user keyctl runs as, or open to its group or others.
    /// Nil when it may be used, or does not exist.
    public static func exposure(of path: String) -> String? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        if status.st_mode & S_IFMT == S_IFLNK { return "is a symbolic link: put the file itself there" }
        if status.st_uid != geteuid() { return "is not owned by the user keyctl runs as: chown it" }
        if status.st_mode & 0o077 != 0 { return "is open to its group or others: chmod 600 it" }
        return nil
    }

    /// Writes `data` to a new file `path`, mode 0600, atomically (`AtomicFile`, exclusive).
    /// Throws `KeyStoreError` (`failed`) when `path` exists or cannot be written; nothing is left
    /// behind then.
    static func create(_ data: Data, at path: String) throws(KeyStoreError) {
        do {
            try AtomicFile.write(data, to: path, mode: 0o600, exclusive: true)
        } catch {
            throw KeyStoreError(.failed, "\(error)")
        }
    }

    /// Creates `folder` (and its parents) with mode 0700 when it does not exist.
    static func createFolder(_ folder: String) throws(KeyStoreError) {
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KeyStoreError(.failed, "cannot create the folder \(folder): check its parent's permissions")
        }
    }

    /// Writes every byte of `bytes`, retrying short and interrupted writes.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32, name: String) throws(KeyStoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw failure("cannot write \(name)")
            }
            offset += written
        }
    }

    /// Flushes `folder`'s entries (a new name) to disk.
    static func syncFolder(_ folder: String) {
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// A `failed` error naming the system's reason (`errno`).
    static func failure(_ message: String) -> KeyStoreError {
        KeyStoreError(.failed, "\(message): \(String(cString: strerror(errno)))")
    }
}
