import Foundation
import Testing
import KeyStore

/// `keyctl identify --findings`: scanner reports matched to keys, their targets and what to do.
struct IdentifyFindingsTests {
    static let registered = "sk_live_identify0123456789abcdefWXYZ"
    static let unknown = "ghp_identify0123456789abcdefghijklmnop"

    static func gitleaks(_ secrets: [String]) -> String {
        "[" + secrets.enumerated().map { index, secret in
            #"{"RuleID": "stripe-access-token", "StartLine": \#(3 + index), "Match": "KEY=\#(secret)", "Secret": "\#(secret)", "File": "config/app.env", "Commit": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "Author": "Dana", "Email": "dana@example.com", "Date": "2026-10-01T09:30:00Z", "Fingerprint": "a1b2c3d4:config/app.env:stripe-access-token:3"}"#
        }.joined(separator: ",") + "]"
    }

    static func detectSecrets(_ hashes: [String]) -> String {
        #"{"version": "1.5.0", "results": {"settings.py": ["# + hashes.enumerated().map { index, hash in
            #"{"type": "Secret Keyword", "filename": "settings.py", "hashed_secret": "\#(hash)", "is_verified": false, "line_number": \#(index + 1)}"#
        }.joined(separator: ",") + "]}}"
    }

    /// A registry with `checkout` in prod (deployed to an env file by keyctl.toml).
    static func world() async -> CLIHarness {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_CONFIG"] = cli.folder.write("keyctl.toml", """
            [targets.app-env]
            type = "env-file"
            path = "/srv/{name}/{env}.env"
            variable = "STRIPE_KEY"

            [keys.checkout]
            targets = ["app-env"]
            """)
        _ = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin", stdin: registered)
        return cli
    }

    func expectNoLeak(_ cli: CLIHarness, _ results: [CLIResult], sourceLocation: SourceLocation = #_sourceLocation) async {
        let audit = await cli.run("audit", "--format", "json")
        let printed = (results + [audit]).map { $0.stdout + $0.stderr }.joined()
        #expect(secretLeaks(of: [Self.registered, Self.unknown], printed: printed, registry: cli.registryPath) == [], sourceLocation: sourceLocation)
    }

    @Test func aGitleaksReportNamesTheKeyItsTargetsAndExitsTwo() async throws {
        let cli = await Self.world()
        cli.folder.write("gitleaks.json", Self.gitleaks([Self.registered, Self.unknown]))
        let events = await cli.eventCount()
        let result = await cli.run("identify", "--findings", "gitleaks.json", "--format", "json")
        #expect(result.code == 2, "\(result.stderr)")
        let json = try result.json()
        #expect((json["report"] as? [String: Any])?["format"] as? String == "gitleaks-json")
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["severity"] as? String } == ["critical", "unknown"])
        let key = try #require(findings[0]["key"] as? [String: Any])
        #expect(key["name"] as? String == "checkout" && key["env"] as? String == "prod" && key["status"] as? String == "active")
        let version = try #require(findings[0]["version"] as? [String: Any])
        #expect(version["stage"] as? String == "current")
        #expect(version["fingerprint"] as? String == (try Secret(reading: Self.registered)).fingerprint.rawValue)
        #expect(findings[0]["targets"] as? [[String: String]] == [["name": "app-env", "kind": "env-file"]])
        #expect(findings[0]["secret_hint"] as? String == "****WXYZ")
        #expect((findings[0]["recommendation"] as? String)?.contains("keyctl compromise checkout --env prod --reason") == true)
        #expect((findings[0]["location"] as? [String: Any])?["path"] as? String == "config/app.env")
        #expect(findings[1]["key"] is NSNull)
        #expect(result.stderr.contains("gitleaks.json holds plaintext secrets"))
        #expect(!result.stderr.contains("readable by other users"))
        #expect(await cli.eventCount() == events)
        await expectNoLeak(cli, [result])
    }

    @Test func theTableSaysWhatToDoPerKeyWithTheSecretMasked() async throws {
        let cli = await Self.world()
        cli.folder.write("gitleaks.json", Self.gitleaks([Self.registered, Self.unknown]))
        let result = await cli.run("identify", "--findings", "gitleaks.json", "--format", "table")
        #expect(result.code == 2)
        #expect(result.stdout.contains("critical  checkout  prod"))
        #expect(result.stdout.contains("app-env (env-file)"))
        #expect(result.stdout.contains("config/app.env:3@a1b2c3d4e5f6"))
        #expect(result.stdout.contains("****WXYZ"))
        #expect(result.stdout.contains("rotate now: keyctl compromise checkout --env prod --reason 'leaked: stripe-access-token at config/app.env:3@a1b2c3d4e5f6' --rotate"))
        #expect(result.stdout.contains("1 finding not in the inventory"))
        #expect(result.stdout.contains("2 findings in gitleaks.json (gitleaks-json): 1 critical, 0 revoked, 1 unknown"))
        await expectNoLeak(cli, [result])
    }

    @Test func unknownOnlyExitsOneAndAnEmptyReportExitsZero() async throws {
        let cli = await Self.world()
        cli.folder.write("unknown.json", Self.gitleaks([Self.unknown]))
        cli.folder.write("empty.json", "[]")
        cli.folder.write("empty.jsonl", "")
        #expect(await cli.run("identify", "--findings", "unknown.json").code == 1)
        #expect(await cli.run("identify", "--findings", "empty.json").code == 0)
        let empty = await cli.run("identify", "--findings", "empty.jsonl", "--format", "table")
        #expect(empty.code == 0)
        #expect(empty.stdout.contains("no findings"))
    }

    @Test func aRevokedVersionIsReportedAsRevokedAndExitsOne() async throws {
        let cli = await Self.world()
        try sqlite(cli, "UPDATE key_versions SET stage = 'revoked'")
        cli.folder.write("gitleaks.json", Self.gitleaks([Self.registered]))
        let result = await cli.run("identify", "--findings", "gitleaks.json", "--format", "json")
        #expect(result.code == 1)
        let finding = try #require((try result.json()["findings"] as? [[String: Any]])?.first)
        #expect(finding["severity"] as? String == "revoked")
        #expect((finding["recommendation"] as? String)?.hasPrefix("revoked already") == true)
    }

    @Test func aDetectSecretsBaselineMatchesKeysAddedSinceTheSHA1IsRecordedButNotOlderOnes() async throws {
        let cli = await Self.world()
        let secret = try Secret(reading: Self.registered)
        cli.folder.write(".secrets.baseline", Self.detectSecrets([secret.sha1.rawValue]))
        let matched = await cli.run("identify", "--findings", ".secrets.baseline", "--format", "json")
        #expect(matched.code == 2)
        let finding = try #require((try matched.json()["findings"] as? [[String: Any]])?.first)
        #expect((finding["version"] as? [String: Any])?["fingerprint"] as? String == secret.fingerprint.rawValue)
        #expect(finding["secret_hint"] as? String == "****WXYZ")
        #expect(!matched.stdout.lowercased().contains(secret.sha1.rawValue))  // the fingerprint is shown, not the SHA-1
        #expect(!matched.stderr.contains("plaintext"))

        try sqlite(cli, "UPDATE key_versions SET sha1 = NULL")  // as for a version added before schema 5
        let older = await cli.run("identify", "--findings", ".secrets.baseline", "--format", "json")
        #expect(older.code == 1)
        #expect((try older.json()["findings"] as? [[String: Any]])?.first?["severity"] as? String == "unknown")
    }

    @Test func markCompromisedMarksEachExposedKeyOnceWithTheFindingInTheReason() async throws {
        let cli = await Self.world()
        cli.folder.write("gitleaks.json", Self.gitleaks([Self.registered, Self.registered, Self.unknown]))
        let result = await cli.run("identify", "--findings", "gitleaks.json", "--mark-compromised", "--reason", "INC-9", "--format", "json")
        #expect(result.code == 2, "\(result.stderr)")
        let json = try result.json()
        #expect(json["marked_compromised"] as? [[String: String]] == [["name": "checkout", "env": "prod"]])
        #expect(((json["findings"] as? [[String: Any]])?.first?["key"] as? [String: Any])?["status"] as? String == "compromised")
        let audit = try await cli.run("audit", "--key", "checkout", "--env", "prod", "--format", "json").json()
        let compromises = (audit["events"] as? [[String: Any]] ?? []).filter { $0["action"] as? String == "key.compromise" }
        #expect(compromises.count == 1)
        #expect((compromises.first?["details"] as? [String: String])?["reason"] == "INC-9 (stripe-access-token at config/app.env:3@a1b2c3d4e5f6)")
        await expectNoLeak(cli, [result])
    }

    @Test(arguments: [
        (#"[{"Secret": "sk_live_identify0123456789abcdefWXYZ", "File": "a", "StartLine": "x"}]"#, "bad.json: finding 1: StartLine: expected a whole number"),
        ("{\"DetectorName\": \"Stripe\", \"Raw\": \"sk_live_identify0123456789abcdefWXYZ\"}\nnot json\n", "bad.json: line 2: not valid JSON"),
        ("<html>", "bad.json: not a scanner report keyctl reads"),
    ])
    func aMalformedReportExits65NamingTheFileAndPlaceAndWritesNothing(text: String, message: String) async throws {
        let cli = await Self.world()
        cli.folder.write("bad.json", text)
        let events = await cli.eventCount()
        let result = await cli.run("identify", "--findings", "bad.json", "--mark-compromised", "--reason", "x")
        #expect(result.code == 65)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(await cli.eventCount() == events)
        await expectNoLeak(cli, [result])
    }

    @Test func aReportOthersCanReadIsWarnedAbout() async throws {
        let cli = await Self.world()
        let path = cli.folder.write("gitleaks.json", Self.gitleaks([Self.unknown]))
        chmod(path, 0o644)
        let result = await cli.run("identify", "--findings", path)
        #expect(result.stderr.contains("is readable by other users (mode 644)"))
        #expect(result.stderr.components(separatedBy: "plaintext secrets").count == 2)  // said once
    }

    @Test(arguments: [
        ["identify", "--findings", "r.json", "--mark-compromised"],
        ["identify", "--findings", "r.json", "--reason", "x"],
        ["identify", "--mark-compromised", "--reason", "x"],
        ["identify", "--findings", "r.json", "--secret-stdin"],
    ])
    func inconsistentOptionsAreUsageErrors(arguments: [String]) async {
        let cli = await Self.world()
        #expect(await cli.run(arguments).code == 64)
    }

    private func sqlite(_ cli: CLIHarness, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [cli.registryPath, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
