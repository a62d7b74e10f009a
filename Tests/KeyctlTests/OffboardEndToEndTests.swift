import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

/// Offboarding with the built binary: the local issuer and env-file targets; alice can read
/// checkout (a grant) and search (keyctl.toml names her a reader), not billing.
final class OffboardWorld {
    let folder = TemporaryFolder()
    var printed = ""
    var originals: [String: String] = [:]
    private let environment: [String: String]

    init() throws {
        _ = folder.write("keyctl.toml", """
            [rotation]
            issuer = "local"
            targets = ["app-env"]
            grace = "0m"

            [issuers.local]
            type = "local"
            prefix = "sk_e2e_"

            [targets.app-env]
            type = "env-file"
            path = "\(folder.path)/{name}.env"
            variable = "API_KEY"

            [targets.other-env]
            type = "env-file"
            path = "\(folder.path)/{name}.env"
            variable = "API_KEY"

            [keys.search]
            readers = ["alice@example.com"]

            [keys.billing]
            targets = ["other-env"]
            """)
        environment = [
            "KEYCTL_DB": folder.file("registry.db"), "KEYCTL_CONFIG": folder.file("keyctl.toml"), "KEYCTL_ACTOR": "e2e",
            "XDG_CONFIG_HOME": folder.file("config"), "HOME": folder.path,
        ]
        #expect(try keyctl("init").code == 0)
        // Created ten days ago: inside the rotation period, and before the offboarding to the second.
        let created = Timestamp.format(Date().addingTimeInterval(-10 * 86_400))
        for name in ["checkout", "search", "billing"] {
            let secret = "sk_original_\(name)_0123456789abcdefghij"
            originals[name] = secret
            _ = folder.write("\(name).env", "# \(name)\nAPI_KEY=\(secret)\nREGION=eu\n")
            let added = try keyctl("add", name, "--env", "prod", "--scopes", "orders:write", "--created", created, "--secret-stdin", stdin: secret)
            try #require(added.code == 0, "\(added.stderr)")
        }
        #expect(try keyctl("access", "grant", "checkout", "--env", "prod", "--to", "alice@example.com").code == 0)
    }

    func keyctl(_ arguments: String..., stdin: String = "") throws -> KeyctlProcess.Result {
        let result = try KeyctlProcess.run(arguments, environment: environment, stdin: stdin)
        printed += result.stdout + result.stderr
        return result
    }

    /// The secret the key's env file holds.
    func deployed(_ name: String) -> String? {
        let text = (try? String(contentsOfFile: folder.file("\(name).env"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("API_KEY=") }.map { String($0.dropFirst(8)) }
    }

    /// checkout and search hold new local keys, billing its original, and no secret was printed.
    func expectRotatedWhatAliceCouldRead() throws {
        for name in ["checkout", "search"] {
            let secret = try #require(deployed(name))
            #expect(secret != originals[name] && secret.hasPrefix("sk_e2e_"))
            #expect(try String(contentsOfFile: folder.file("\(name).env"), encoding: .utf8) == "# \(name)\nAPI_KEY=\(secret)\nREGION=eu\n")
            #expect(!printed.contains(secret))
        }
        #expect(deployed("billing") == originals["billing"])
        for original in originals.values { #expect(!printed.contains(original)) }
        let report = try keyctl("report", "--format", "json")
        #expect(report.code == 0, "\(report.stdout)")
        #expect(report.stdout.contains("\"offboarding\":0"))
        #expect(try keyctl("audit", "verify").code == 0)
    }
}

struct OffboardEndToEndTests {
    @Test func offboardRotateReplacesEveryKeyTheyCouldReadAndClearsTheFlag() throws {
        let world = try OffboardWorld()
        let result = try world.keyctl("offboard", "alice@example.com", "--reason", "left the company", "--rotate", "--concurrency", "2", "--format", "table")
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 grant(s) revoked, 2 key(s) flagged offboarding"))
        #expect(result.stdout.contains("checkout (prod): rotated"))
        #expect(result.stdout.contains("search (prod): rotated"))
        #expect(result.stdout.contains("2 of 2 rotated, 0 failed"))
        try world.expectRotatedWhatAliceCouldRead()
        let audit = try world.keyctl("audit", "--format", "json")
        #expect(audit.stdout.components(separatedBy: "\"key.offboarding\"").count - 1 == 2)
    }

    @Test func theNightlyRotateOverdueRotatesKeysFlaggedOffboarding() throws {
        let world = try OffboardWorld()
        #expect(try world.keyctl("offboard", "alice@example.com", "--reason", "left the company").code == 0)
        #expect(try world.keyctl("report", "--format", "json").code == 2)
        let result = try world.keyctl("rotate", "--overdue", "--concurrency", "2")
        #expect(result.code == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("2 of 2 rotated, 0 failed"))
        try world.expectRotatedWhatAliceCouldRead()
    }
}
