import Foundation
import KeyStore

/// A libpq password file (`~/.pgpass`, or `PGPASSFILE`): lines of
/// `hostname:port:database:username:password`, where `*` alone matches anything, `\:` and `\\`
/// stand for `:` and `\`, and lines starting with `#` are comments. The first matching line wins.
struct PgPass: Sendable {
    struct Entry: Sendable, Equatable {
        /// host, port, database, user: nil for `*`.
        var patterns: [String?]
        var password: String
    }

    var entries: [Entry]

    init(text: String) {
        entries = text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap(Self.entry)
    }

    /// The password of the first line matching the connection, or nil.
    func password(host: String, port: String, database: String, user: String) -> String? {
        let values = [host, port, database, user]
        return entries.first { entry in
            zip(entry.patterns, values).allSatisfy { pattern, value in pattern == nil || pattern == value }
        }?.password
    }

    /// The file at `path`, or nil when it does not exist or is not a regular file (as libpq).
    /// Throws `KeyStoreError` (`invalidInput`) when the file is open to its group or others: libpq
    /// warns and ignores such a file, keyctl refuses it so that the cause of a failed login is said.
    static func load(path: String) throws(KeyStoreError) -> PgPass? {
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        if status.st_mode & 0o077 != 0 {
            throw KeyStoreError(.invalidInput, "the password file \(path) is open to its group or others: chmod 600 it (keyctl refuses it, libpq would ignore it)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KeyStoreError(.invalidInput, "cannot read the password file \(path): check its permissions")
        }
        return PgPass(text: String(decoding: data, as: UTF8.self))
    }

    /// One line's fields, unescaped; nil for a comment or a line with fewer than five fields.
    private static func entry(_ line: Substring) -> Entry? {
        guard line.first != "#" else { return nil }
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        guard fields.count == 4 else { return nil }
        // `*` matches anything only when unescaped and alone; `\*` is a literal star.
        let rawFields = Self.rawFields(line)
        let patterns: [String?] = zip(fields, rawFields).map { field, raw in raw == "*" ? nil : field }
        return Entry(patterns: patterns, password: current)
    }

    /// The first four fields as written (escapes kept), to tell `*` from `\*`.
    private static func rawFields(_ line: Substring) -> [Substring] {
        var fields: [Substring] = []
        var start = line.startIndex
        var index = line.startIndex
        while index < line.endIndex, fields.count < 4 {
            if line[index] == "\\" {
                index = line.index(after: index)
                if index < line.endIndex { index = line.index(after: index) }
                continue
            }
            if line[index] == ":" {
                fields.append(line[start..<index])
                start = line.index(after: index)
            }
            index = line.index(after: index)
        }
        return fields
    }
}
