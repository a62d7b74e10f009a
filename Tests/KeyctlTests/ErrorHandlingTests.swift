import Foundation
import KeyctlTestSupport
import Testing

struct ErrorHandlingTests {
    @Test(arguments: [
        ["add", "Bad_Name", "--env", "prod", "--scopes", "*"],
        ["add", "checkout", "--env", "PROD", "--scopes", "*"],
        ["add", "checkout", "--env", "prod", "--scopes", "orders"],
        ["add", "checkout", "--env", "prod"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--created", "last tuesday"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--max-age", "3 months"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--created", "2026-02-01", "--rotated", "2026-01-01"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--secret-stdin", "--secret-env", "X"],
        ["report", "--as-of", "2026-13-01"],
        ["list", "--status", "expired"],
        ["list", "--format", "prometheus"],
        ["compromise", "checkout", "--reason", "x"],
        ["compromise", "--reason", "x"],
        ["update", "checkout", "--env", "prod"],
        ["frobnicate"],
    ])
    func usageErrorsExit64WithOneLineAndWriteNothing(arguments: [String]) async throws {
        let cli = await CLIHarness.initialised()
        let before = cli.registryBytes()
        let result = await cli.run(arguments)
        #expect(result.code == 64, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
        #expect(!result.stderr.contains("Fatal error"))
        #expect(cli.registryBytes() == before)
        #expect(await cli.eventCount() == 0)
    }

    @Test(arguments: [
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--secret", "sk_live_in_argv_0123456789abcdef"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--secret=sk_live_in_argv_0123456789abcdef"],
        ["add", "checkout", "sk_live_in_argv_0123456789abcdef", "--env", "prod", "--scopes", "*"],
        ["identify", "sk_live_in_argv_0123456789abcdef"],
        ["add", "checkout", "--env", "prod", "--scopes", "*", "--token", "sk_live_in_argv_0123456789abcdef"],
        ["list", "--db", "postgres://keyctl:sk_live_in_argv_0123456789abcdef@db.internal/keyctl"],
        ["list", "--db=postgresql://keyctl:sk_live_in_argv_0123456789abcdef@[::1]:5432/keyctl?sslmode=require"],
        ["list", "--db", "postgres://keyctl@db.internal/keyctl?sslmode=require&password=sk_live_in_argv_0123456789abcdef"],
        ["list", "--db", "postgres://keyctl@db.internal/keyctl?pass%77ord=sk_live_in_argv_0123456789abcdef"],
        ["list", "--db", "POSTGRES://keyctl:sk_live_in_argv_0123456789abcdef@db.internal/keyctl"],
        ["migrate", "--from", "a.db", "--to", " postgresql://keyctl:sk_live_in_argv_0123456789abcdef@db.internal/keyctl"],
    ])
    func aSecretGivenAsAnArgumentIsAUsageErrorThatDoesNotEchoIt(arguments: [String]) async throws {
        let cli = await CLIHarness.initialised()
        let result = await cli.run(arguments)
        #expect(result.code == 64)
        #expect(!result.stderr.contains("sk_live_in_argv"))
        #expect(!result.stdout.contains("sk_live_in_argv"))
        #expect(await cli.eventCount() == 0)
    }

    @Test func aMissingRegistrySuggestsInitAndIsNotCreated() async throws {
        let cli = CLIHarness()
        let result = await cli.run("list")
        #expect(result.code == 1)
        #expect(result.stderr.contains("keyctl init"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: cli.registryPath))
    }

    @Test func anUnreachablePostgresServerExits69WithoutCreatingAFile() async throws {
        var cli = CLIHarness()
        cli.environment["KEYCTL_DB"] = "postgres://keyctl:hunter2-in-the-environment@127.0.0.1:1/keyctl"
        let result = await cli.run("init")
        #expect(result.code == 69, "\(result.stderr)")
        #expect(result.stderr.contains("postgres://keyctl@127.0.0.1:1/keyctl"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: cli.folder.file("postgres:")))
    }

    @Test func theRegistryComesFromTheOptionThenTheEnvironmentThenKeyctlToml() async throws {
        var cli = CLIHarness()
        let configured = cli.folder.file("configured/registry.db"), explicit = cli.folder.file("explicit/registry.db")
        try "[registry]\nurl = \"\(configured)\"\n".write(toFile: cli.folder.file("keyctl.toml"), atomically: true, encoding: .utf8)
        #expect(await cli.run("init").code == 0)
        #expect(FileManager.default.fileExists(atPath: cli.registryPath), "KEYCTL_DB wins over keyctl.toml")
        #expect(await cli.run("init", "--db", explicit).code == 0)
        #expect(FileManager.default.fileExists(atPath: explicit), "--db wins over KEYCTL_DB")
        cli.environment["KEYCTL_DB"] = nil
        #expect(!FileManager.default.fileExists(atPath: configured))
        #expect(await cli.run("init").code == 0)
        #expect(FileManager.default.fileExists(atPath: configured), "[registry] url is used when neither says")
    }

    @Test(arguments: ["POSTGRES://keyctl:hunter2-in-the-environment@127.0.0.1:1/keyctl", " postgresql://keyctl:hunter2-in-the-environment@127.0.0.1:1/keyctl"])
    func aURLInAnotherCaseOrAfterSpacesIsNeverTakenForAFilePath(location: String) async throws {
        var cli = CLIHarness()
        cli.environment["KEYCTL_DB"] = location
        let result = await cli.run("init")
        #expect([65, 69].contains(result.code), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
        let created = try FileManager.default.subpathsOfDirectory(atPath: cli.folder.path)
        #expect(!created.contains { $0.contains("hunter2") }, "\(created)")
    }

    @Test func aPasswordInKeyctlTomlsRegistryURLIsRefusedWithoutEchoingIt() async throws {
        var cli = CLIHarness()
        cli.environment["KEYCTL_DB"] = nil
        try "[registry]\nurl = \"postgres://keyctl:hunter2-in-the-file@db.internal/keyctl\"\n"
            .write(toFile: cli.folder.file("keyctl.toml"), atomically: true, encoding: .utf8)
        let result = await cli.run("list")
        #expect(result.code == 65, "\(result.stderr)")
        #expect(result.stderr.contains("keyctl.toml:2"))
        #expect(!result.stderr.contains("hunter2"))
    }

    @Test func aCorruptRegistryIsBadInputAndLeftAlone() async throws {
        let cli = CLIHarness()
        try FileManager.default.createDirectory(atPath: (cli.registryPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: cli.registryPath, contents: Data(repeating: 0x42, count: 8192))
        for arguments in [["list"], ["init"], ["add", "x", "--env", "prod", "--scopes", "*"]] {
            let result = await cli.run(arguments)
            #expect(result.code == 65, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("not a readable keyctl registry"))
        }
        #expect(FileManager.default.contents(atPath: cli.registryPath) == Data(repeating: 0x42, count: 8192))
    }

    @Test func aBusyRegistryExits75AndChangesNothing() async throws {
        var cli = await CLIHarness.initialised()
        cli.environment["KEYCTL_BUSY_TIMEOUT"] = "0.2"
        let lock = try ExclusiveLockHolder(path: cli.registryPath)
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*")
        lock.release()
        #expect(result.code == 75)
        #expect(result.stderr.contains("busy"))
        #expect(await cli.eventCount() == 0)
    }

    @Test func aConfigErrorExits65NamingFileAndLine() async throws {
        let cli = await CLIHarness.initialised()
        let config = cli.folder.write("keyctl.toml", "[policy]\nmax_age = \"ninety days\"\n")
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--config", config)
        #expect(result.code == 65)
        #expect(result.stderr.contains("\(config):2:"))
        #expect(await cli.eventCount() == 0)
    }

    @Test func aMissingExplicitConfigIsAnError() async throws {
        let cli = await CLIHarness.initialised()
        let result = await cli.run("report", "--config", cli.folder.file("nope.toml"))
        #expect(result.code == 65)
    }

    @Test func theSecretEnvVariableMustBeSet() async throws {
        let cli = await CLIHarness.initialised()
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-env", "NOT_SET_ANYWHERE")
        #expect(result.code == 64)
        #expect(await cli.eventCount() == 0)
    }

    @Test func aRegistryFromANewerKeyctlIsRefused() async throws {
        let cli = await CLIHarness.initialised()
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [cli.registryPath, "INSERT INTO grdb_migrations VALUES ('9999_future')"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = cli.registryBytes()
        let result = await cli.run("init")
        #expect(result.code == 1)
        #expect(result.stderr.contains("newer keyctl"))
        #expect(cli.registryBytes() == before)
    }
}
