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

    @Test func anEmptyFileMeansTheDefaults() throws {
        #expect(try KeyctlConfiguration(parsing: "\n# nothing\n", file: "k.toml").policies == PolicyTable())
    }

    @Test(arguments: [
        ("[policy]\nmax_age = 90\n", 2, "'max_age' must be a duration string"),
        ("[policy]\nmax_age = \"90 days\"\n", 2, "'max_age' must be a duration string"),
        ("[policy]\nmaxage = \"90d\"\n", 2, "unknown setting 'maxage' in [policy]"),
        ("\n\n[polcy]\n", 3, "unknown setting 'polcy' in the top level"),
        ("[policy]\nmax_age = \"90d\n", 2, "the string is not closed"),
        ("[policy\n", 1, "expected ']'"),
        ("[policy]\nmax_age = \"90d\"\nmax_age = \"30d\"\n", 3, "'max_age' is set twice"),
        ("[environments.Prod]\nmax_age = \"30d\"\n", 1, "'Prod' is not an environment name"),
        ("[policy]\nmax_age \"90d\"\n", 2, "expected '=' after the key 'max_age'"),
        ("[policy]\n[policy]\n", 2, "table [policy] is defined twice"),
        ("[policy]\nmax_age = 90d\n", 2, "unexpected text after the value"),
    ])
    func errorsNameTheFileAndLine(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
        #expect(error?.description.hasPrefix("keyctl.toml:\(line): ") == true)
    }
}
