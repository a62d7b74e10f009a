import KeyStore
import GRDB

/// Turns SQLite and GRDB errors into `KeyStoreError`s with a message an operator can act on.
/// SQL text and statement arguments never reach the message.
enum RegistryErrorMapping {
    static func map(_ error: any Error, path: String) -> KeyStoreError {
        if let error = error as? KeyStoreError { return error }
        guard let error = error as? DatabaseError else {
            return KeyStoreError(.failed, "registry error: \(error)")
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return KeyStoreError(.busy, "the registry at \(path) is busy (another keyctl holds it); try again shortly")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return KeyStoreError(.registryUnreadable, "\(path) is not a readable keyctl registry (corrupt or not SQLite); restore it from a backup")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return KeyStoreError(.registryUnreadable, "cannot open the registry at \(path): check the file and its folder's permissions")
        case .SQLITE_READONLY:
            return KeyStoreError(.failed, "the registry at \(path) is read-only: check the file's permissions")
        case .SQLITE_FULL, .SQLITE_IOERR:
            return KeyStoreError(.failed, "cannot write the registry at \(path): the disk is full or failing (nothing was changed)")
        default:
            return KeyStoreError(.failed, "registry error at \(path): \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        }
    }
}
