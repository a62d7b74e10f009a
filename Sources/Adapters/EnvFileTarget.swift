import Foundation
import KeyStore
import Rotation

/// A dotenv file the application reads: `NAME=value` is rewritten atomically (temporary file in
/// the same folder, fsync, rename), every other line and comment kept. A new file is created 0600;
/// an existing file keeps its mode and owner.
public struct EnvFileTarget: DeployTarget {
    public let name: String
    public let path: String
    public let variable: String
    public var canReadBack: Bool { true }

    public init(name: String, path: String, variable: String) {
        self.name = name
        self.path = path
        self.variable = variable
    }

    public func snapshot() async throws -> Secret? { try readSecret() }

    public func currentSecret() async throws -> Secret? { try readSecret() }

    public func deploy(_ secret: Secret) async throws { try write(secret.revealText()) }

    public func restore(_ previous: Secret?) async throws { try write(previous?.revealText()) }

    private func readSecret() throws -> Secret? {
        guard let text = try readLines() else { return nil }
        for line in text where assignment(in: line) != nil {
            let value = Self.unquote(String(line[line.index(after: line.firstIndex(of: "=")!)...]))
            return value.isEmpty ? nil : try Secret(bytes: Array(value.utf8))
        }
        return nil
    }

    /// Sets the variable to `value`, or removes its line when `value` is nil.
    private func write(_ value: String?) throws {
        var lines = try readLines() ?? []
        if lines.last == "" { lines.removeLast() }
        var replaced = false
        lines = lines.compactMap { line in
            guard let prefix = assignment(in: line) else { return line }
            guard let value, !replaced else { return nil }
            replaced = true
            return prefix + Self.quoted(value)
        }
        if let value, !replaced { lines.append("\(variable)=\(Self.quoted(value))") }
        let data = Data((lines.joined(separator: "\n") + "\n").utf8)
        var mode: mode_t = 0o600
        var owner: (uid_t, gid_t)?
        var info = stat()
        if stat(path, &info) == 0 {
            mode = info.st_mode & 0o7777
            owner = (info.st_uid, info.st_gid)
        }
        do {
            try AtomicFile.write(data, to: path, mode: mode, owner: owner)
        } catch {
            throw AdapterError(.needsOperator, adapter: "target \(name)", "cannot write \(path): \(error)")
        }
    }

    private func readLines() throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AdapterError(.needsOperator, adapter: "target \(name)", "cannot read \(path): check its permissions")
        }
        return String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
    }

    /// For `NAME=...` or `export NAME = ...`, the text up to and including `=`; nil for other lines.
    private func assignment(in line: String) -> String? {
        var rest = Substring(line).drop(while: { $0 == " " || $0 == "\t" })
        let indent = line.prefix(line.count - rest.count)
        var exported = ""
        if rest.hasPrefix("export ") {
            exported = "export "
            rest = rest.dropFirst(7).drop(while: { $0 == " " })
        }
        guard rest.hasPrefix(variable) else { return nil }
        let afterName = rest.dropFirst(variable.count).drop(while: { $0 == " " || $0 == "\t" })
        guard afterName.first == "=" else { return nil }
        return "\(indent)\(exported)\(variable)="
    }

    static func quoted(_ value: String) -> String {
        let plain = value.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || "_-.:/+@%,".utf8.contains(byte)
        }
        if plain { return value }
        return "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "$", with: "\\$").replacingOccurrences(of: "`", with: "\\`") + "\""
    }

    static func unquote(_ raw: String) -> String {
        let value = raw.trimmingCharacters(in: .whitespaces)
        if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") { return String(value.dropFirst().dropLast()) }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
            var out = ""
            var escaping = false
            for character in value.dropFirst().dropLast() {
                if escaping {
                    out.append(character == "n" ? "\n" : character)
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else {
                    out.append(character)
                }
            }
            return out
        }
        if let comment = value.range(of: " #") { return String(value[..<comment.lowerBound]).trimmingCharacters(in: .whitespaces) }
        return value
    }
}
