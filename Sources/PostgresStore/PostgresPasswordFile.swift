import Foundation
import KeyStore

/// A password kept in a file of its own, named by `password=file:/path` in the registry URL, so
/// that neither the URL, keyctl.toml nor the environment holds it.
///
/// As for keyctl's custody key (and ssh's private keys), the file must be the user's own, not a
/// symbolic link and not open to its group or others in any way (`chmod 600`). Its content is the
/// password, without one trailing newline.
enum PostgresPasswordFile {
    static let prefix = "file:"

    /// The password in the file at `path`. Throws `KeyStoreError` (`invalidInput`) when the file
    /// is missing, exposed, unreadable or empty; the message names the file, never its content.
    static func read(_ path: String) throws(KeyStoreError) -> String {
        guard path.hasPrefix("/") else {
            throw KeyStoreError(.invalidInput, "the password file in the registry URL must be an absolute path (password=file:/path)")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else {
            throw KeyStoreError(.invalidInput, "the password file \(path) named in the registry URL does not exist")
        }
        if let problem = KeyFile.exposure(of: path) {
            throw KeyStoreError(.invalidInput, "the password file \(path) \(problem); keyctl refuses to use it")
        }
        guard status.st_mode & S_IFMT == S_IFREG, let data = FileManager.default.contents(atPath: path) else {
            throw KeyStoreError(.invalidInput, "cannot read the password file \(path): it must be a regular file keyctl can read")
        }
        var text = String(decoding: data, as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty else { throw KeyStoreError(.invalidInput, "the password file \(path) is empty") }
        return text
    }
}
