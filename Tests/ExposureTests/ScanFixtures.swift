import Foundation
import KeyStore
import KeyctlTestSupport
@testable import Exposure

/// Test credentials of the built-in formats, with valid (or deliberately broken) checksums.
enum ScanFixtures {
    /// A GitHub classic token with a valid checksum; `seed` varies its body.
    static func githubToken(_ seed: String = "a", prefix: String = "ghp_") -> String {
        let body = String(String(repeating: seed + "Q7x9", count: 10).prefix(30))
        return prefix + body + String(decoding: Base62Checksum.digits(of: body.utf8), as: UTF8.self)
    }

    /// The same token with its last checksum character changed: a look-alike.
    static func brokenChecksum(_ token: String) -> String {
        String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")
    }

    /// Hits in `text` that no allowlist accepts, scanned as one file named `path`.
    static func scan(_ text: String, path: String = "app.py", localPrefixes: [String] = [], rules: GitleaksRuleSet? = nil) -> [ScanHit] {
        let scanner = FragmentScanner(ScanDetectors(localPrefixes: localPrefixes, rules: rules))
        var hits: [ScanHit] = []
        Array(text.utf8).withUnsafeBufferPointer { scanner.scan($0, ScanFragment(path: path), into: &hits) }
        return hits.filter { !$0.allowlisted }
    }

    /// The secret text of a hit, for assertions.
    static func secret(_ hit: ScanHit) -> String {
        guard case .secret(let secret) = hit.finding.evidence else { return "" }
        return secret.revealText()
    }
}

/// Runs git in `folder` for fixture repositories, with a fixed identity and dates.
struct GitFixture {
    let folder: TemporaryFolder
    var path: String { folder.path }

    init() throws {
        folder = TemporaryFolder()
        try git("init", "-q", "-b", "main")
    }

    @discardableResult
    func git(_ arguments: String..., date: String = "2026-01-02T03:04:05Z") throws -> String {
        try git(arguments, date: date)
    }

    @discardableResult
    func git(_ arguments: [String], date: String = "2026-01-02T03:04:05Z") throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", folder.path, "-c", "user.name=Ann Dev", "-c", "user.email=ann@example.com", "-c", "commit.gpgsign=false"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_AUTHOR_DATE"] = date
        environment["GIT_COMMITTER_DATE"] = date
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw GitFixtureError(text: "git \(arguments.joined(separator: " ")): \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func write(_ name: String, _ bytes: [UInt8]) {
        let path = folder.file(name)
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    func write(_ name: String, _ text: String) { write(name, Array(text.utf8)) }

    func commit(_ message: String, date: String = "2026-01-02T03:04:05Z") throws -> String {
        try git("add", "-A", date: date)
        try git("commit", "-q", "-m", message, date: date)
        return try git("rev-parse", "HEAD")
    }
}

struct GitFixtureError: Error, CustomStringConvertible {
    let text: String
    var description: String { text }
}
