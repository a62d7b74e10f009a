import Foundation
import KeyStore
import SQLiteStore
import KeyctlTestSupport
import Testing

/// Input from outside (arguments, environment, import files, webhook headers, a hand-edited
/// registry) never crashes keyctl: each is a one-line error with its documented exit code, and
/// the registry is left as it was.
struct HostileInputTests {
    /// Runs `arguments` and checks the exit code, one error line containing `message`, and that
    /// nothing was written.
    func expectRefused(
        _ cli: CLIHarness, _ arguments: [String], code: Int32, message: String, stdin: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        let before = cli.registryBytes()
        let events = await cli.eventCount()
        let result = await cli.run(arguments, stdin: stdin)
        #expect(result.code == code, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("keyctl: error: "), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(message), "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(cli.registryBytes() == before, sourceLocation: sourceLocation)
        #expect(await cli.eventCount() == events, sourceLocation: sourceLocation)
    }

    // MARK: Dates and durations

    @Test(arguments: [
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--created", "0000-12-31"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--created", "0001-01-01T00:00:00+00:01"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--created", "10000-01-01"],
        ["update", "checkout", "--env", "prod", "--rotated", "9999-12-31T23:59:59-00:01"],
        ["report", "--as-of", "9999-12-31T23:59:60Z"],
        ["audit", "--since", "0000-01-01T00:00:00Z"],
    ])
    func datesOutsideYears0001To9999AreUsageErrors(arguments: [String]) async {
        let cli = await CLIHarness.initialised()
        await expectRefused(cli, arguments, code: 64, message: "between years 0001 and 9999")
    }

    @Test(arguments: ["+5d", "99999999999999999999d", "9223372036854775807m", "36501d", "876001h", "0d", "1e3d", "٣d", " 5d"])
    func durationsThatAreNotDigitsWithinAHundredYearsAreUsageErrors(duration: String) async {
        let cli = await CLIHarness.initialised()
        await expectRefused(
            cli, ["add", "checkout", "--env", "prod", "--scopes", "*", "--max-age", duration], code: 64, message: "from 1m to 36500d")
    }

    @Test func aDueDatePastYear9999PrintsAsTheLastSupportedInstant() async throws {
        let cli = await CLIHarness.initialised()
        let added = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--rotated", "9999-12-01", "--max-age", "36500d")
        #expect(added.code == 0, "\(added.stderr)")
        let listed = await cli.run("list", "--format", "json")
        let key = try #require((try listed.json()["keys"] as? [[String: Any]])?.first)
        #expect(key["due_at"] as? String == "9999-12-31T23:59:59Z")
        let shown = await cli.run("show", "checkout", "--env", "prod", "--format", "table")
        #expect(shown.stdout.contains("9999-12-31T23:59:59Z"))
        #expect(!shown.stdout.contains("10000-") && !shown.stdout.contains("10099-"))
        let report = await cli.run("report", "--as-of", "9999-12-31T23:59:59Z", "--format", "json")
        #expect(report.code == 0, "\(report.stderr)")
    }

    // MARK: KEYCTL_BUSY_TIMEOUT

    @Test(arguments: ["inf", "nan", "abc", "-1", "1e3", "3601", "99999999999999999999", "", " 5", "0x10", "5.", ".5", "5.0001"])
    func aMalformedBusyTimeoutIsAUsageError(value: String) async {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_BUSY_TIMEOUT"] = value
        await expectRefused(cli, ["add", "checkout", "--env", "prod", "--scopes", "*"], code: 64, message: "KEYCTL_BUSY_TIMEOUT")
        await expectRefused(cli, ["init"], code: 64, message: "KEYCTL_BUSY_TIMEOUT")
    }

    @Test(arguments: ["0", "0.25", "5", "3600"])
    func aBusyTimeoutInRangeIsAccepted(value: String) async {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_BUSY_TIMEOUT"] = value
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*")
        #expect(result.code == 0, "\(result.stderr)")
    }

    // MARK: webhook verify

    func webhook(_ header: String, body: String = "{}") async -> CLIResult {
        var cli = CLIHarness(now: "2026-11-29T12:00:00Z")
        cli.environment["HOOK_SECRET"] = "whsec_0123456789abcdef"
        return await cli.run(["webhook", "verify", "--secret-env", "HOOK_SECRET", "--header", header], stdin: body)
    }

    @Test(arguments: [
        "t=-1,v1=00", "t=+1796040000,v1=00", "t=abc,v1=00", "t=99999999999999999999,v1=00", "t=-9223372036854775808,v1=00",
        "t=9223372036854775807,v1=00", "t=253402300800,v1=00", "t=inf,v1=00", "t=1796040000,v1=+f", "t=1796040000,v1=0g",
        "t=1796040000", "v1=00",
    ])
    func aMalformedSignatureHeaderIsAUsageErrorNotACrash(header: String) async {
        let result = await webhook(header)
        #expect(result.code == 64, "\(header): \(result.stderr)")
        #expect(result.stderr.contains("t=UNIX_SECONDS,v1=HEX"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func anyValidV1EntryAmongManyIsAccepted() async throws {
        let body = String(repeating: "x", count: 4 << 20)
        let t = "1795953600"  // the harness's now
        let valid = try #require(hmacSHA256Hex(key: "whsec_0123456789abcdef", message: "\(t).\(body)"))
        let decoys = (0..<4_000).map { String(format: "v1=%064x", $0) }
        let started = ContinuousClock.now
        let result = await webhook((["t=\(t)"] + decoys + ["v1=\(valid)"]).joined(separator: ","), body: body)
        let elapsed = ContinuousClock.now - started
        #expect(result.code == 0, "\(result.stderr)")
        // One HMAC of the 4 MB body, not one per entry (which would hash 16 GB).
        #expect(elapsed < .seconds(3), "took \(elapsed)")
        let none = await webhook((["t=\(t)"] + decoys).joined(separator: ","), body: body)
        #expect(none.code == 1)
    }

    // MARK: Import files

    @Test(arguments: [
        ("keys.csv", "name,env,scopes,owner\ncheckout,prod,*,pay\u{0}ments\n", "keys.csv:2: a field contains a NUL byte"),
        ("keys.csv", "name,env,scopes,owner\ncheckout,prod,*,\"pay\u{0}ments\"\n", "keys.csv:2: a field contains a NUL byte"),
        ("keys.csv", "name,env,scopes,owner\u{0}\ncheckout,prod,*,payments\n", "keys.csv:1: a field contains a NUL byte"),
        ("keys.csv", "name,env,scopes\na,prod,*\nb,prod,*\nc\u{0},prod,*\n", "keys.csv:4: a field contains a NUL byte"),
        ("keys.json", #"[{"name":"a","env":"prod","scopes":["*"]},{"name":"b","env":"prod","scopes":["*"],"owner":"pay\u0000ments"}]"#, "keys.json: entry 2: 'owner' contains a NUL byte"),
        ("keys.json", #"[{"name":"a","env":"prod","scopes":["*\u0000"]}]"#, "keys.json: entry 1: 'scopes' contains a NUL byte"),
    ])
    func aNULByteInAnImportFieldIsBadInputNamingItsPlace(file: String, content: String, message: String) async {
        let cli = await CLIHarness.initialised()
        let path = cli.folder.write(file, content)
        await expectRefused(cli, ["import", path], code: 65, message: (cli.folder.path as NSString).appendingPathComponent(message))
    }

    // MARK: A hand-edited registry

    func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "sqlite3 failed: \(sql)")
    }

    static let corruptions = [
        "UPDATE keys SET created_at = 'last tuesday'",
        "UPDATE keys SET created_at = 99999999999999999",
        "UPDATE keys SET rotated_at = x'0102'",
        "UPDATE keys SET max_age_seconds = 'ninety days'",
        "UPDATE keys SET owner = x'c328'",
        "UPDATE keys SET labels = 'not json'",
        "PRAGMA ignore_check_constraints = ON; UPDATE keys SET status = 'zombie'",
        "PRAGMA ignore_check_constraints = ON; UPDATE keys SET max_age_seconds = -5",
        "UPDATE keys SET last_verify_ok = 'yes'",
        "UPDATE key_versions SET fingerprint = 'md5:abc'",
    ]

    @Test(arguments: corruptions)
    func aRegistryRowOfTheWrongTypeExits65NamingTheKey(corruption: String) async throws {
        let cli = await CLIHarness.initialised()
        let added = await cli.run(
            "add", "checkout", "--env", "prod", "--scopes", "*", "--created", "2020-01-01", "--secret-stdin", stdin: "sk_live_0123456789abcdefghij")
        #expect(added.code == 0, "\(added.stderr)")
        try sqlite(cli.registryPath, corruption)
        // `report` reads the rows of overdue keys; `--format prometheus` reads every key's row.
        var commands = [["list"], ["list", "--format", "json"], ["show", "checkout", "--env", "prod"], ["report", "--format", "prometheus"]]
        if !corruption.contains("created_at") { commands.append(["report"]) }
        for arguments in commands {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains("(prod) is damaged") || result.stderr.contains("key version"), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Fatal error"))
        }
    }

    static let rotationCorruptions = [
        "UPDATE rotations SET started_at = 'x'",
        "UPDATE rotations SET owner_epoch = 'x'",
        "UPDATE rotations SET emergency = 'yes'",
        "UPDATE rotations SET actor = x'ff'",
        "UPDATE rotations SET targets = 'nope'",
        "UPDATE rotations SET snapshots_taken = 7",
        "PRAGMA ignore_check_constraints = ON; UPDATE rotations SET state = 'zombie'",
    ]

    @Test(arguments: rotationCorruptions)
    func aRotationRowOfTheWrongTypeExits65NamingTheRotation(corruption: String) async throws {
        let cli = await CLIHarness.initialised()
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*").code == 0)
        let registry = try SQLiteKeyRegistry.open(at: cli.registryPath)
        let rotation = try await registry.beginRotation(
            name: KeyName("checkout")!, env: EnvironmentName("prod")!,
            plan: RotationPlan(issuer: "local", targets: ["app-env"], verifier: nil, grace: TimeSpan(seconds: 0), emergency: false),
            owner: RotationOwner(host: "elsewhere", pid: 1, processStart: "gone"), lease: TimeSpan(seconds: 0), unlessBegunSince: nil, actor: "test")
        try sqlite(cli.registryPath, corruption)
        for arguments in [["rotations"], ["rotations", "--active", "--format", "json"], ["rotate", "checkout", "--env", "prod", "--abort"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("rotation \(rotation.id) is damaged"), "\(arguments): \(result.stderr)")
        }
    }

    @Test func aNullWrittenIntoARequiredColumnExits65NamingTheKey() async throws {
        let cli = await CLIHarness.initialised()
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*").code == 0)
        // Drop the NOT NULL constraint the way a careless repair would, then write NULL.
        try sqlite(cli.registryPath, """
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = replace(sql, 'created_at        INTEGER NOT NULL', 'created_at        INTEGER') WHERE name = 'keys';
            """)
        try sqlite(cli.registryPath, "UPDATE keys SET created_at = NULL")
        for arguments in [["list"], ["show", "checkout", "--env", "prod"], ["report", "--format", "prometheus"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("key 'checkout' (prod) is damaged: column created_at holds NULL"), "\(result.stderr)")
        }
    }

    @Test func aDamagedRowIsNamedByTheFirstCharactersOfAHugeStoredName() async throws {
        let cli = await CLIHarness.initialised()
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*").code == 0)
        // A million-character name: not a valid key name, so the row is damaged.
        try sqlite(cli.registryPath, "UPDATE keys SET name = replace(hex(zeroblob(500000)), '0', 'a')")
        for arguments in [["list"], ["report", "--format", "prometheus"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr.prefix(300))")
            #expect(result.stderr.contains("key '\(String(repeating: "a", count: DamagedRowLabel.limit))…' (prod) is damaged"))
            #expect(result.stderr.utf8.count < 500, "\(arguments): \(result.stderr.utf8.count) bytes of error")
        }
    }

    @Test func anAuditRowOfTheWrongTypeExits65NamingTheEvent() async throws {
        let cli = await CLIHarness.initialised()
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*").code == 0)
        try sqlite(cli.registryPath, "UPDATE audit_events SET at = 'noon' WHERE seq = 1")
        for arguments in [["audit"], ["audit", "verify"], ["show", "checkout", "--env", "prod"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("audit event 1 is damaged: column at holds text"), "\(result.stderr)")
        }
    }

    /// Every change appends to the audit chain after its last event: a damaged last event
    /// refuses the change (exit 65, registry untouched) instead of stopping the process.
    @Test(arguments: [
        ("hash = x'ff'", "column hash holds a blob"),
        ("seq = 9223372036854775807", "column seq holds an integer that is out of range or not allowed there"),
    ])
    func aDamagedLastAuditEventRefusesTheNextChange(damage: String, message: String) async throws {
        let cli = await CLIHarness.initialised()
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*").code == 0)
        try sqlite(cli.registryPath, "UPDATE audit_events SET \(damage) WHERE seq = (SELECT max(seq) FROM audit_events)")
        let result = await cli.run("add", "billing", "--env", "prod", "--scopes", "*")
        #expect(result.code == 65, "\(result.stderr)")
        #expect(result.stderr.contains("the last audit event is damaged: \(message)"), "\(result.stderr)")
        let listed = await cli.run("list")
        #expect(listed.stdout.contains("checkout") && !listed.stdout.contains("billing"), "\(listed.stdout)")
    }

    /// The reads that find a key through its secret decode the key's columns like every other
    /// read: a hand-edited key is a one-line exit 65, not a stopped process.
    @Test(arguments: ["name = x'ff'", "env = x'ff'"])
    func aDamagedKeyFoundThroughItsSecretExits65(damage: String) async throws {
        let cli = await CLIHarness.initialised()
        let secret = "sk_live_0123456789abcdefghij"
        #expect(await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin", stdin: secret).code == 0)
        try sqlite(cli.registryPath, "UPDATE keys SET \(damage)")
        for arguments in [["identify"], ["add", "billing", "--env", "prod", "--scopes", "*", "--secret-stdin"]] {
            let result = await cli.run(arguments, stdin: secret)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("is damaged"), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
    }

    @Test func aZeroLengthRegistryIsNotAKeyctlRegistryAndInitLeavesIt() async throws {
        let cli = CLIHarness()
        try FileManager.default.createDirectory(atPath: (cli.registryPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: cli.registryPath, contents: Data()))
        for arguments in [["list"], ["init"], ["report"], ["add", "checkout", "--env", "prod", "--scopes", "*"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("is empty (0 bytes), not a keyctl registry"), "\(result.stderr)")
        }
        #expect(FileManager.default.contents(atPath: cli.registryPath) == Data())
        #expect(!FileManager.default.fileExists(atPath: cli.registryPath + "-wal"))
    }

    // MARK: Control characters in stored text

    @Test func controlCharactersInStoredTextAreEscapedInTablesAndJSON() async throws {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_ACTOR"] = "mallory\u{1B}]0;pwned\u{07}"
        let owner = "ops\u{1B}[2J\u{1B}[31m", description = "line one\nline two\r\u{202E}txt.exe", reason = "leaked\u{1B}[8m"
        let added = await cli.run(
            "add", "checkout", "--env", "prod", "--scopes", "*", "--owner", owner, "--description", description,
            "--label", "note=a\u{9B}b", "--created", "2025-01-01")
        #expect(added.code == 0, "\(added.stderr)")
        #expect(await cli.run("compromise", "checkout", "--env", "prod", "--reason", reason).code == 0)

        var tables = ""
        for arguments in [["list"], ["show", "checkout", "--env", "prod"], ["report"], ["audit"]] {
            let result = await cli.run(arguments + ["--format", "table"])
            #expect(result.code == 0 || arguments == ["report"], "\(arguments): \(result.stderr)")
            tables += result.stdout
        }
        for unsafe in ["\u{1B}", "\u{07}", "\r", "\u{202E}", "\u{9B}"] { #expect(!tables.contains(unsafe), "\(unsafe.unicodeScalars.first!.value)") }
        #expect(tables.contains(#"ops\u{1B}[2J\u{1B}[31m"#))
        #expect(tables.contains(#"line one\u{A}line two\u{D}\u{202E}txt.exe"#))
        #expect(tables.contains(#"mallory\u{1B}]0;pwned\u{7}"#))
        #expect(tables.contains(#"leaked\u{1B}[8m"#))
        #expect(tables.contains(#"note=a\u{9B}b"#))

        let refused = await cli.run("update", "checkout", "--env", "prod", "--rotated", "2026\u{1B}[2J")
        #expect(refused.code == 64)
        #expect(!refused.stderr.contains("\u{1B}") && refused.stderr.contains(#"2026\u{1B}[2J"#), "\(refused.stderr)")

        let json = await cli.run("show", "checkout", "--env", "prod", "--format", "json")
        #expect(!json.stdout.contains("\u{1B}") && !json.stdout.contains("\r"))
        #expect(json.stdout.contains(#"ops\u001b[2J\u001b[31m"#))
        let key = try #require(try json.json()["key"] as? [String: Any])
        #expect(key["owner"] as? String == owner)
        #expect(key["description"] as? String == description)
    }
}

/// HMAC-SHA256 in hex through openssl, independent of keyctl's own code.
func hmacSHA256Hex(key: String, message: String) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["openssl", "dgst", "-sha256", "-hmac", key, "-r"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    guard (try? process.run()) != nil else { return nil }
    input.fileHandleForWriting.write(Data(message.utf8))
    try? input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text.split(separator: " ").first.map(String.init)
}
