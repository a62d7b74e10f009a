import Foundation

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
}
