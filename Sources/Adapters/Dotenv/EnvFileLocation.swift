import Foundation
import KeyStore
import Rotation

/// Where an env file really is, and its bytes: a symbolic link is followed to its final target,
/// which is read (up to `sizeLimit`) and replaced atomically in its own folder, keeping its mode
/// and owner, so the link stays a link. Errors are `AdapterError`s of `adapter`.
struct EnvFileLocation {
    /// The largest env file keyctl reads: 1 MiB.
    static let sizeLimit = 1 << 20

    /// The path as configured.
    let path: String
    /// The file to read and replace: `path` with every symbolic link resolved.
    let resolved: String
    let adapter: String

    /// Resolves `path`. Throws when it is a symbolic link to nothing.
    init(_ path: String, adapter: String) throws(AdapterError) {
        self.path = path
        self.adapter = adapter
        var info = stat()
        guard lstat(path, &info) == 0 else {
            resolved = path
            return
        }
        guard let real = realpath(path, nil) else {
            guard errno == ENOENT, info.st_mode & S_IFMT == S_IFLNK else {
                throw AdapterError(.needsOperator, adapter: adapter, "cannot resolve \(path): \(String(cString: strerror(errno)))")
            }
            let destination = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
            throw AdapterError(.needsOperator, adapter: adapter, "\(path) is a symbolic link to \(destination), which does not exist: create the file or fix the link")
        }
        defer { free(real) }
        resolved = String(cString: real)
    }

    /// The file's bytes; nil when it does not exist.
    func contents() throws(AdapterError) -> [UInt8]? {
        let descriptor = open(resolved, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw failure("cannot read \(path): \(String(cString: strerror(errno))); check its permissions")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw failure("\(path) is not a regular file") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw failure("cannot read \(path): \(String(cString: strerror(errno)))") }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
            guard bytes.count <= Self.sizeLimit else {
                throw failure("\(path) is larger than 1 MiB, more than an env file should be: check that it is the right file")
            }
        }
    }

    /// Replaces the file's bytes atomically, keeping its mode and owner (a new file is 0600).
    func replace(with bytes: [UInt8]) throws(AdapterError) {
        var mode: mode_t = 0o600
        var owner: (uid_t, gid_t)?
        var info = stat()
        if stat(resolved, &info) == 0 {
            mode = info.st_mode & 0o7777
            owner = (info.st_uid, info.st_gid)
        }
        do {
            try AtomicFile.write(Data(bytes), to: resolved, mode: mode, owner: owner)
        } catch {
            throw failure("cannot write \(path): \(error)")
        }
    }

    /// Creates the file's folder (0700) when it is missing, so its lock file can be created.
    func createFolder() throws(AdapterError) {
        let folder = (resolved as NSString).deletingLastPathComponent
        guard !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) else { return }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw failure("cannot create the folder \(folder): \(error.localizedDescription)")
        }
    }

    private func failure(_ message: String) -> AdapterError { AdapterError(.needsOperator, adapter: adapter, message) }
}
