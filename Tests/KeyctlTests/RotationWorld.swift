import Crypto
import Foundation
import KeyctlTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A real rotation setup for end-to-end tests: the built keyctl binary, a registry, keyctl.toml,
/// a provider server on loopback, the exec issuer script, dotenv files, an HTTP verifier.
final class RotationWorld: @unchecked Sendable {
    let folder = TemporaryFolder()
    let provider: ProviderServer
    var everythingPrinted = ""
    /// Where the registry lives: a file in the folder, or a PostgreSQL database's URL.
    let registry: String

    init(verifierURL: String? = nil, registry: String? = nil) throws {
        self.registry = registry ?? folder.file("registry.db")
        provider = try ProviderServer()
        writeConfig(verifierURL: verifierURL ?? provider.url + "/check")
        _ = try keyctl("init")
    }

    /// keyctl.toml: the provider's exec issuer, the `app-env` dotenv target (by default one file per
    /// key holding `API_KEY`), hooks for the slow and blocked keys, a hook that rewrites the
    /// `hooked` key's dotenv file (a target that cannot be read back), and the http verifier.
    func writeConfig(
        verifierURL: String, envFile: String? = nil, envVariable: String = "API_KEY", verifierTimeoutSeconds: Int = 2
    ) {
        folder.write("keyctl.toml", """
            [rotation]
            issuer = "provider"
            targets = ["app-env"]
            verifier = "app"
            grace = "0m"

            [issuers.provider]
            type = "exec"
            command = ["python3", "\(KeyctlProcess.fixture("provider_issuer.py"))"]
            env = ["PROVIDER_URL"]

            [targets.app-env]
            type = "env-file"
            path = "\(envFile ?? folder.path + "/{name}.env")"
            variable = "\(envVariable)"

            [targets.slow-hook]
            type = "exec"
            command = ["sh", "-c", "cat > /dev/null; sleep 2"]

            [targets.blocking-hook]
            type = "exec"
            command = ["sh", "-c", "cat > /dev/null; i=0; while [ ! -f '\(folder.path)/release' ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done; echo $KEYCTL_ACTION >> '\(folder.path)/hook.log'"]

            [verifiers.app]
            type = "http"
            url = "\(verifierURL)"
            headers = ["Authorization: Bearer {{secret}}"]
            timeout_seconds = \(verifierTimeoutSeconds)

            [keys.slow]
            targets = ["app-env", "slow-hook"]

            [keys.blocked]
            targets = ["app-env", "blocking-hook"]

            [targets.hook-env]
            type = "exec"
            command = ["python3", "-c", "import re, sys; path = sys.argv[1]; text = open(path).read(); open(path, 'w').write(re.sub('(?m)^API_KEY=.*$', 'API_KEY=' + sys.stdin.read(), text))", "\(folder.path)/{name}.env"]

            [keys.hooked]
            targets = ["hook-env"]
            """)
    }

    var environment: [String: String] {
        [
            "KEYCTL_DB": registry, "KEYCTL_CONFIG": folder.file("keyctl.toml"), "KEYCTL_ACTOR": "e2e",
            "XDG_CONFIG_HOME": folder.file("config"), "HOME": folder.path, "PROVIDER_URL": provider.url, "KEYCTL_RETRIES": "2",
        ]
    }

    @discardableResult
    func keyctl(_ arguments: String..., stdin: String = "", extra: [String: String] = [:]) throws -> KeyctlProcess.Result {
        let result = try KeyctlProcess.run(arguments, environment: environment.merging(extra) { $1 }, stdin: stdin)
        everythingPrinted += result.stdout + result.stderr
        return result
    }

    /// Registers `name` in prod with a key issued by the provider and deployed in its dotenv file.
    func addKey(_ name: String) async throws -> String {
        let secret = try await provider.issue(idempotencyKey: "seed-\(name)")
        folder.write("\(name).env", "# \(name) service\nLOG_LEVEL=debug\nAPI_KEY=\(secret)\nREGION=eu\n")
        let added = try keyctl("add", name, "--env", "prod", "--scopes", "orders:write", "--secret-stdin", stdin: secret)
        precondition(added.code == 0, added.stderr)
        return secret
    }

    func deployedSecret(_ name: String) -> String? {
        let text = (try? String(contentsOfFile: folder.file("\(name).env"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("API_KEY=") }.map { String($0.dropFirst(8)) }
    }

    static func fingerprint(_ secret: String) -> String {
        "sha256:" + SHA256.hash(data: Array(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What is wrong after a rotation of `name` that should be complete (empty when all is well).
    func problemsAfterRotation(_ name: String, original: String, expectedKeys: Int = 1) async throws -> [String] {
        var problems: [String] = []
        guard let deployed = deployedSecret(name) else { return ["\(name).env holds no API_KEY"] }
        if deployed == original { problems.append("the dotenv file still holds the original secret") }
        let text = (try? String(contentsOfFile: folder.file("\(name).env"), encoding: .utf8)) ?? ""
        if !text.contains("# \(name) service\nLOG_LEVEL=debug\n") || !text.hasSuffix("REGION=eu\n") { problems.append("other lines were not kept") }
        let valid = try await provider.validFingerprints()
        if valid.count != expectedKeys { problems.append("the provider holds \(valid.count) valid keys, expected \(expectedKeys) (orphans?)") }
        if !valid.contains(Self.fingerprint(deployed)) { problems.append("the deployed secret is not valid at the provider") }
        if valid.contains(Self.fingerprint(original)) { problems.append("the original secret is still valid") }
        let shown = try keyctl("show", name, "--env", "prod", "--format", "json")
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let versions = json?["versions"] as? [[String: Any]] ?? []
        let current = versions.filter { $0["stage"] as? String == "current" }
        if current.count != 1 || current.first?["fingerprint"] as? String != Self.fingerprint(deployed) {
            problems.append("the registry's current version is not the deployed secret")
        }
        if try keyctl("rotations", "--active", "--format", "json").stdout.contains("\"name\":\"\(name)\"") {
            problems.append("a rotation is still in flight")
        }
        return problems
    }

    /// What is wrong after an abort of `name` (empty when everything is as before).
    func problemsAfterAbort(_ name: String, original: String, expectedKeys: Int = 1) async throws -> [String] {
        var problems: [String] = []
        if deployedSecret(name) != original { problems.append("the dotenv file does not hold the original secret") }
        let valid = try await provider.validFingerprints()
        if valid != [Self.fingerprint(original)] && expectedKeys == 1 { problems.append("the provider's valid keys are \(valid.count), not just the original") }
        return problems
    }
}
