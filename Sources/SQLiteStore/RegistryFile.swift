import Foundation
import KeyStore

/// The registry file on disk: created 0600 inside a 0700 folder before SQLite opens it.
enum RegistryFile {
    static func prepare(path: String) throws(KeyStoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw KeyStoreError(.failed, "cannot create the folder \(folder) for the registry: check its parent's permissions")
            }
        }
        let descriptor = Foundation.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        if descriptor >= 0 {
            close(descriptor)
        } else if errno != EEXIST {
            throw KeyStoreError(.failed, "cannot create the registry at \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Throws `registryUnreadable` when the file at `path` exists but is empty: a truncated
    /// registry (a full disk, a bad copy) that SQLite would silently take for a new database.
    static func refuseIfEmpty(path: String) throws(KeyStoreError) {
        var status = stat()
        guard stat(path, &status) == 0, status.st_size == 0, (status.st_mode & S_IFMT) == S_IFREG else { return }
        throw KeyStoreError(
            .registryUnreadable,
            "\(path) is empty (0 bytes), not a keyctl registry; restore it from a backup, or delete it and run `keyctl init` for a new one")
    }
}
