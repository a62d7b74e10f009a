import Foundation
import KeyStore

/// Findings a team has accepted (`--write-baseline`, read back with `--baseline`), as gitleaks and
/// detect-secrets baselines do. It holds no secret: each entry is the secret's registry
/// fingerprint, the rule, and the location (path, line, commit).
///
/// A finding is suppressed when an entry has its fingerprint, path and commit (none for a file
/// scan); the line is not compared, so editing lines above it does not bring it back. A finding
/// of a live registered version (critical) is never suppressed: rotate the key instead.
public struct ScanBaseline: Sendable {
    struct Entry: Codable, Hashable {
        var fingerprint: String
        var rule: String
        var path: String
        var line: Int?
        var commit: String?
    }

    private struct File: Codable {
        var version: Int
        var generator: String
        var findings: [Entry]
    }

    private var entries: [Entry]
    private let keys: Set<String>

    /// The baseline that accepts `leaks`.
    public init(accepting leaks: [ScannedLeak]) {
        self.init(entries: leaks.compactMap { leak in
            guard let fingerprint = leak.fingerprint else { return nil }
            let location = leak.finding.location
            return Entry(fingerprint: fingerprint.rawValue, rule: leak.finding.rule, path: location.path, line: location.line, commit: location.commit)
        })
    }

    private init(entries: [Entry]) {
        self.entries = entries
        keys = Set(entries.map { Self.key($0.fingerprint, $0.path, $0.commit) })
    }

    /// Reads a baseline file. Throws a bad-input `ScanError` naming the file when it cannot be
    /// read or is not a keyctl scan baseline.
    public static func load(path: String) throws(ScanError) -> ScanBaseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScanError(.badInput, "--baseline \(path): cannot be read")
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ScanError(.badInput, "--baseline \(path): not a keyctl scan baseline (\(Self.reason(error)))")
        }
        guard file.version == 1 else { throw ScanError(.badInput, "--baseline \(path): version \(file.version) is not supported (1 is)") }
        for entry in file.findings where Fingerprint(entry.fingerprint) == nil {
            throw ScanError(.badInput, "--baseline \(path): '\(entry.fingerprint.prefix(80))' is not a sha256: fingerprint")
        }
        return ScanBaseline(entries: file.findings)
    }

    /// How many findings it accepts.
    public var count: Int { entries.count }

    /// True when the baseline accepts `leak` (never for a critical one).
    public func suppresses(_ leak: ScannedLeak) -> Bool {
        guard leak.verdict.severity != .critical, let fingerprint = leak.fingerprint else { return false }
        return keys.contains(Self.key(fingerprint.rawValue, leak.finding.location.path, leak.finding.location.commit))
    }

    /// Writes the baseline to `path`, mode 0600, replacing it atomically.
    public func write(to path: String) throws(ScanError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(File(version: 1, generator: "keyctl scan", findings: entries))
            try AtomicFile.write(data + Data("\n".utf8), to: path)
        } catch {
            throw ScanError(.failed, "--write-baseline \(path): \(error)")
        }
    }

    private static func key(_ fingerprint: String, _ path: String, _ commit: String?) -> String {
        "\(fingerprint)\u{0}\(path)\u{0}\(commit ?? "")"
    }

    private static func reason(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .dataCorrupted?: "not valid JSON"
        case .keyNotFound(let key, _)?: "missing '\(key.stringValue)'"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            "wrong type at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: "unreadable"
        }
    }
}
