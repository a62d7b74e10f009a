import Foundation
import KeyStore
import KeyctlConfig
import Testing

struct ConfigurationTests {
    @Test func readsTheDefaultAndPerEnvironmentPolicies() throws {
        let text = """
            # keyctl policy
            [policy]
            max_age = "60d"   # stricter than the built-in 90d
            warn_window = '10d'

            [environments.prod]
            max_age = "30d"

            [environments."dev"]
            warn_window = "2d"
            """
        let configuration = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
        #expect(configuration.policies.defaultPolicy == RotationPolicy(maxAge: .days(60), warnWindow: .days(10)))
        #expect(configuration.policies.policy(for: EnvironmentName("prod")!) == RotationPolicy(maxAge: .days(30), warnWindow: .days(10)))
        #expect(configuration.policies.policy(for: EnvironmentName("dev")!) == RotationPolicy(maxAge: .days(60), warnWindow: .days(2)))
        #expect(configuration.policies.policy(for: EnvironmentName("staging")!) == configuration.policies.defaultPolicy)
    }

    /// Configs built to crash the parser or eat memory: each is refused with a clear error.
    static let hostile: [(String, Int, String)] = {
        let nestedArrays: String = "x = " + String(repeating: "[", count: 1_000) + String(repeating: "]", count: 1_000) + "\n"
        let longKey: String = "\n" + Array(repeating: "a", count: 100).joined(separator: ".") + " = 1\n"
        let manyTables: String = (0..<100_000).map { (index: Int) -> String in "[t\(index)]\n" }.joined()
        let longArray: String = "x = [" + Array(repeating: "1", count: 20_000).joined(separator: ",") + "]\n"
        return [
            (nestedArrays, 1, "nested more than 32 levels"), (longKey, 2, "more than 32 dotted parts"),
            (manyTables, 10_001, "more than 10000 tables"), (longArray, 1, "more than 10000 tables"),
        ]
    }()

    @Test func readsTOML10MultiLineArraysInlineTablesDottedKeysAndCRLF() throws {
        let text = """
            # keyctl.toml, written on Windows\r
            policy = { max_age = "60d" }\r
            environments.prod.max_age = "30d"\r
            \r
            [keys.checkout]\r
            targets = [\r
              "app-env",   # the dotenv file\r
              "restart",\r
            ]\r
            [targets]\r
            app-env = { type = "env-file", path = "/srv/app.env", variable = "API_KEY" }\r
            restart.type = "exec"\r
            restart.command = ['systemctl', 'restart', 'app']
            """
        let configuration = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
        #expect(configuration.policies.defaultPolicy.maxAge == .days(60))
        #expect(configuration.policies.policy(for: EnvironmentName("prod")!).maxAge == .days(30))
        #expect(configuration.keyBindings["checkout"]?.targets == ["app-env", "restart"])
        #expect(configuration.targets.count == 2)
        #expect(configuration.line(of: "[keys.checkout]") == 5)
    }

    @Test func aCRLFFileStartingWithACommentIsNotReadAsEmpty() throws {
        let text = "# keyctl\r\n[policy]\r\nmax_age = \"45d\"\r\n"
        #expect(try KeyctlConfiguration(parsing: text, file: "k.toml").policies.defaultPolicy.maxAge == .days(45))
    }

    @Test func aFileOverTheSizeLimitIsRefusedBeforeItIsParsed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyctl-config-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("keyctl.toml").path
        FileManager.default.createFile(atPath: path, contents: Data(repeating: UInt8(ascii: "\n"), count: (1 << 20) + 1))
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration.load(path: path) }
        #expect(error?.problem.contains("larger than 1024 KiB") == true, "\(error?.problem ?? "")")
    }

    @Test func anEmptyFileMeansTheDefaults() throws {
        #expect(try KeyctlConfiguration(parsing: "\n# nothing\n", file: "k.toml").policies == PolicyTable())
    }

    @Test(arguments: [
        ("[policy]\nmax_age = 90\n", 2, "'max_age' must be a duration string"),
        ("[policy]\nmax_age = \"90 days\"\n", 2, "'max_age' must be a duration string"),
        ("[policy]\nmaxage = \"90d\"\n", 2, "unknown setting 'maxage' in [policy]"),
        ("\n\n[polcy]\n", 3, "unknown setting 'polcy' in the top level"),
        ("[policy]\nmax_age = \"90d\n", 2, "not valid TOML"),
        ("[policy\n", 1, "not valid TOML"),
        ("[policy]\nmax_age = \"90d\"\nmax_age = \"30d\"\n", 3, "not valid TOML"),
        ("[environments.Prod]\nmax_age = \"30d\"\n", 1, "'Prod' is not an environment name"),
        ("[policy]\nmax_age \"90d\"\n", 2, "not valid TOML"),
        ("[policy]\n[policy]\n", 2, "not valid TOML"),
        ("[policy]\nmax_age = 90d\n", 2, "not valid TOML"),
        ("[policy]\nmax_age = 1.5\n", 2, "'max_age' must be a duration string"),
        ("policy.max_age = \"90d\"\npolicy.warn = \"1d\"\n", 2, "unknown setting 'warn' in [policy]"),
        ("# policy\r\n[policy]\r\n\r\nmaxage = \"90d\"\r\n", 4, "unknown setting 'maxage' in [policy]"),
        ("[targets.t]\ntype = \"exec\"\ncommand = [\"\"\"\nfoo = 1\n\"\"\"]\nfoo = 2\n", 6, "unknown setting 'foo' in [targets.t]"),
        ("[policy]\nmax_age = \"9\\u0000d\"\n", 2, "NUL character"),
        // Found by fuzzing: toml++ aborts on a header that does not start with a key.
        ("[{", 1, "a table header must start with a key name"),
        ("[policy]\n[ =]\n", 2, "a table header must start with a key name"),
        ("[[!]]\n", 1, "a table header must start with a key name"),
        ("[ {]\n", 1, "a table header must start with a key name"),
    ] + hostile)
    func errorsNameTheFileAndLine(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
        #expect(error?.description.hasPrefix("keyctl.toml:\(line): ") == true)
    }
}
