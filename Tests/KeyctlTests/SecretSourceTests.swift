import Foundation
import KeyctlTestSupport
import Testing

/// `--secret-env` and `--secret-file`: errors that never repeat a secret typed in the wrong place,
/// and warnings for secret files others can read.
struct SecretSourceTests {
    @Test(arguments: ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Checkout_Key", "AKIAIOSFODNN7EXAMPLE", "MY-KEY", "A_VERY_LONG_VARIABLE_NAME_THAT_GOES_ON_AND_ON"])
    func anUnsetSecretEnvThatMayBeASecretIsNotEchoed(name: String) async {
        let cli = await CLIHarness.initialised()
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-env", name)
        #expect(result.code == 64)
        #expect(!result.stderr.contains(name), "\(result.stderr)")
        #expect(result.stderr.contains("named by --secret-env is not set (name not shown"))
    }

    @Test func anUnsetSecretEnvThatReadsLikeAVariableNameIsNamed() async {
        let cli = await CLIHarness.initialised()
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-env", "CHECKOUT_API_KEY_V2")
        #expect(result.code == 64)
        #expect(result.stderr.contains("the environment variable CHECKOUT_API_KEY_V2 named by --secret-env is not set"))
    }

    @Test func aMissingSecretFileIsNotEchoed() async {
        let cli = await CLIHarness.initialised()
        let typed = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-file", typed)
        #expect(result.code == 64)
        #expect(!result.stderr.contains(typed), "\(result.stderr)")
        #expect(result.stderr.contains("the file named by --secret-file does not exist (path not shown"))
    }

    @Test func aSecretFileOthersCanReadIsUsedWithAWarning() async {
        let cli = await CLIHarness.initialised()
        let file = cli.folder.write("secret.txt", "sk_test_file_secret_0123456789\n")
        chmod(file, 0o644)
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-file", file)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("keyctl: warning: the secret file \(file) is readable by its group or others: chmod 600 it"))
    }

    @Test func aSecretFileThatIsASymbolicLinkIsUsedWithAWarning() async {
        let cli = await CLIHarness.initialised()
        let file = cli.folder.write("secret.txt", "sk_test_file_secret_0123456789\n")
        let link = cli.folder.file("link.txt")
        symlink(file, link)
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-file", link)
        #expect(result.code == 0, "\(result.stderr)")
        #expect(result.stderr.contains("is a symbolic link"))
    }

    @Test func aPrivateSecretFileGetsNoWarning() async {
        let cli = await CLIHarness.initialised()
        let file = cli.folder.write("secret.txt", "sk_test_file_secret_0123456789\n")
        let result = await cli.run("add", "checkout", "--env", "prod", "--scopes", "*", "--secret-file", file)
        #expect(result.code == 0)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
