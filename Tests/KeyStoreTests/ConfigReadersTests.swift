import Foundation
import KeyStore
import KeyctlConfig
import Testing

struct ConfigReadersTests {
    let text = """
        [rotation]
        issuer = "local"
        targets = ["app-env"]

        [issuers.local]
        type = "local"
        prefix = "sk_{env}_"

        [targets.app-env]
        type = "env-file"
        path = "/srv/{name}/{env}.env"
        variable = "API_KEY"
        readers = ["team:Payments", "ci:deploy", "team:payments"]

        [targets.sync-env]
        type = "env-file"
        path = "/etc/sync/{env}.env"
        variable = "SYNC_KEY"
        readers = ["ci:sync"]

        [keys.checkout]
        readers = ["alice@example.com", "ci:deploy"]

        [keys."checkout@prod"]
        readers = ["bob@example.com"]

        [keys.inventory]
        targets = ["sync-env"]
        """

    @Test func aKeysReadersAreThoseOfItsTargetsAndItsOwnTablesAddedUp() throws {
        let configuration = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
        let prod = configuration.readers(of: KeyName("checkout")!, in: EnvironmentName("prod")!)
        #expect(prod.map(\.principal.rawValue) == ["team:payments", "ci:deploy", "alice@example.com", "bob@example.com"])
        #expect(prod.map(\.table) == ["[targets.app-env]", "[targets.app-env]", "[keys.checkout]", "[keys.\"checkout@prod\"]"])
        let dev = configuration.readers(of: KeyName("checkout")!, in: EnvironmentName("dev")!)
        #expect(dev.map(\.principal.rawValue) == ["team:payments", "ci:deploy", "alice@example.com"])
        // A key bound to other targets gets their readers only.
        let inventory = configuration.readers(of: KeyName("inventory")!, in: EnvironmentName("prod")!)
        #expect(inventory.map(\.principal.rawValue) == ["ci:sync"])
        // The targets still parse as before.
        #expect(configuration.targets["app-env"] == .envFile(path: "/srv/{name}/{env}.env", variable: "API_KEY"))
    }

    @Test(arguments: [
        ("[targets.t]\ntype = \"env-file\"\npath = \"/x\"\nvariable = \"K\"\nreaders = [\"alice\"]\n", 5, "'alice' is not one"),
        ("[targets.t]\ntype = \"env-file\"\npath = \"/x\"\nvariable = \"K\"\n\nreaders = \"team:a\"\n", 6, "must be an array of strings"),
        ("[keys.checkout]\nreaders = [\"team:ok\",\n  \"team:bad name\"]\n", 2, "'team:bad name' is not one"),
        ("[keys.checkout]\nreaders = [\"\"]\n", 2, "non-empty strings"),
        ("[keys.checkout]\nreader = [\"team:a\"]\n", 2, "unknown setting 'reader'"),
    ])
    func aBadReadersEntryNamesItsLine(text: String, line: Int, problem: String) {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }
}
