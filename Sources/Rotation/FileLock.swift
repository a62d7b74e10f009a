import Foundation

/// An exclusive lock on a file for a read-modify-write, held by `flock` on a lock file beside it
/// (`.NAME.keyctl-lock` in the same folder, created 0600 and left in place), so that replacing
/// the file by an atomic rename does not break the lock.
///
/// Each holder opens the lock file afresh, so the lock excludes other processes and other tasks
/// of the same process alike. The body is synchronous: nothing suspends while the lock is held,
/// so tasks waiting for it cannot starve the holder of a thread. Waiting suspends between attempts.
public enum FileLock {
    /// The lock file guarding `path`.
    public static func lockPath(beside path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let lockName = ".\((path as NSString).lastPathComponent).keyctl-lock"
        return folder.isEmpty ? lockName : (folder as NSString).appendingPathComponent(lockName)
    }

    /// Runs `body` while holding the lock on `path`, waiting at most `timeout` for it. Throws
    /// `FileLockError` when the lock file cannot be opened or the wait times out, and what `body` throws.
    public static func withLock<Result>(beside path: String, timeout: Duration, _ body: () throws -> Result) async throws -> Result {
        let lockFile = lockPath(beside: path)
        let descriptor = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw FileLockError(.unavailable, "cannot open the lock file \(lockFile): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw FileLockError(.unavailable, "cannot lock \(lockFile): \(String(cString: strerror(errno)))")
            }
            guard ContinuousClock.now < deadline else {
                throw FileLockError(.timedOut, "another keyctl held the lock on \(path) (\(lockFile)) for more than \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try body()
    }
}

/// A lock that could not be taken; the file it guards was not touched.
public struct FileLockError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// Someone else held the lock for the whole wait: worth retrying later.
        case timedOut
        /// The lock file cannot be opened or locked (permissions, a missing folder).
        case unavailable
    }

    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
