@testable import Adapters
import Foundation
import KeyStore
import KeyctlConfig
import KeyctlTestSupport
import Rotation
import Testing

struct ExecAdapterTests {
    let folder = TemporaryFolder()

    func script(_ name: String, _ body: String) -> String {
        let path = folder.write(name, "#!/bin/sh\n" + body)
        chmod(path, 0o700)
        return path
    }

    @Test func anExecTargetGetsTheSecretOnStdinNeverInItsArguments() async throws {
        let log = folder.file("hook.log")
        let hook = script("hook.sh", "echo \"args=$* action=$KEYCTL_ACTION stdin=$(cat)\" >> \(log)\n")
        let target = ExecTarget(name: "restart", command: [hook, "--service", "checkout"], timeoutSeconds: 5, secretInEnvironment: false)
        try await target.deploy(try Secret(reading: "sk_hook_secret_value"))
        try await target.restore(try Secret(reading: "sk_old_secret_value"))
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(lines == ["args=--service checkout action=deploy stdin=sk_hook_secret_value", "args=--service checkout action=restore stdin=sk_old_secret_value"])
    }

    @Test func aFailingHookFailsTheStepWithItsReasonAndExit75IsRetryable() async throws {
        let failing = ExecTarget(name: "restart", command: [script("fail.sh", "echo 'service not found' >&2; exit 3\n")], timeoutSeconds: 5, secretInEnvironment: false)
        let error = await #expect(throws: AdapterError.self) { try await failing.deploy(try Secret(reading: "x-secret-value")) }
        #expect(error?.kind == .needsOperator)
        #expect(error?.message.contains("service not found") == true)
        let temporary = ExecTarget(name: "restart", command: [script("busy.sh", "exit 75\n")], timeoutSeconds: 5, secretInEnvironment: false)
        let busy = await #expect(throws: AdapterError.self) { try await temporary.deploy(try Secret(reading: "x-secret-value")) }
        #expect(busy?.kind == .retryable)
    }

    @Test func aHookThatHangsIsKilledAtItsTimeout() async throws {
        // The hook and the `sleep` it started both record their pids; both must be gone after the
        // timeout. (Wall time is no measure here: the suite's other tests may hold every thread.)
        let pids = folder.file("pids")
        let hanging = ExecTarget(
            name: "restart", command: [script("hang.sh", "echo $$ >> \(pids)\nsleep 30 & echo $! >> \(pids)\nwait\n")], timeoutSeconds: 0.5,
            secretInEnvironment: false)
        let error = await #expect(throws: AdapterError.self) { try await hanging.deploy(try Secret(reading: "x-secret-value")) }
        #expect(error?.kind == .retryable)
        #expect(error?.message.contains("timed out after 0.5s") == true)
        let started = try String(contentsOfFile: pids, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(started.count == 2)
        for pid in started { #expect(!Self.isRunning(pid), "process \(pid) survived the timeout") }
    }

    /// Whether `pid` runs: it exists and is not a zombie waiting to be reaped.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.range(of: ") ", options: .backwards)
        else { return false }
        return stat[end.upperBound...].first != "Z"
    }

    @Test func theExecIssuerSpeaksJSONAndPassesTheIdempotencyKey() async throws {
        let log = folder.file("issuer.log")
        let issuer = ExecIssuer(name: "provider", command: [script("issuer.sh", """
            input=$(cat)
            echo "$input" >> \(log)
            case "$input" in
              *'"create"'*) echo '{"secret":"sk_from_exec_issuer","id":"key_42"}' ;;
            esac
            """)], timeoutSeconds: 5)
        let created = try await issuer.create(CredentialRequest(name: KeyName("checkout")!, env: EnvironmentName("prod")!, scopes: ["orders:write"], idempotencyKey: "idem-1"))
        #expect(created.secret.revealText() == "sk_from_exec_issuer")
        #expect(created.issuerRef == "key_42")
        try await issuer.delete(CredentialReference(issuerRef: "key_41", fingerprint: nil))
        let requests = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(requests.first??["idempotency_key"] as? String == "idem-1")
        #expect(requests.first??["scopes"] as? [String] == ["orders:write"])
        #expect(requests.last??["id"] as? String == "key_41")
    }

    @Test func theExecVerifierMapsExitCodes() async throws {
        let verifier = ExecVerifier(name: "ping", command: [script("verify.sh", "[ \"$(cat)\" = good-secret-value ] && exit 0; echo 'unauthorized' >&2; exit 1\n")], timeoutSeconds: 5)
        #expect(try await verifier.verify(try Secret(reading: "good-secret-value")) == .accepted)
        guard case .rejected(let reason) = try await verifier.verify(try Secret(reading: "bad-secret-value")) else {
            Issue.record("expected a rejection")
            return
        }
        #expect(reason.contains("unauthorized"))
    }

    // MARK: Redaction

    @Test func aHookThatPrintsItsSecretFailsWithTheSecretRedactedInEveryEncoding() async throws {
        let secretText = "sk_hook_echoed_secret_0123456789"
        let hook = script("echo.sh", """
            secret=$(cat)
            encoded=$(printf '%s' "$secret" | base64)
            echo "bad key $secret ($encoded) Authorization: Bearer unknown-token-xyz" >&2
            exit 3
            """)
        let target = ExecTarget(name: "restart", command: [hook], timeoutSeconds: 5, secretInEnvironment: false)
        let error = await #expect(throws: AdapterError.self) { try await target.deploy(try Secret(reading: secretText)) }
        let message = try #require(error?.message)
        #expect(message == "deploy failed: bad key <redacted> (<redacted>) Authorization: <redacted> (exit status 3)", "\(message)")
    }

    @Test func aHookGivenItsSecretInTheEnvironmentHasItRedactedToo() async throws {
        let hook = script("env-echo.sh", "echo \"restore of $KEYCTL_SECRET failed\" >&2; exit 2\n")
        let target = ExecTarget(name: "restart", command: [hook], timeoutSeconds: 5, secretInEnvironment: true)
        let error = await #expect(throws: AdapterError.self) { try await target.restore(try Secret(reading: "sk_old_secret_in_env_42")) }
        #expect(error?.message == "restore failed: restore of <redacted> failed (exit status 2)")
    }

    @Test func aVerifierThatPrintsTheSecretGivesARedactedReason() async throws {
        let verifier = ExecVerifier(name: "ping", command: [script("leak.sh", "echo \"401 for key=$(cat)\" >&2; exit 1\n")], timeoutSeconds: 5)
        let outcome = try await verifier.verify(try Secret(reading: "sk_verify_me_0123456789"))
        #expect(outcome == .rejected("401 for key=<redacted> (exit status 1)"))
    }

    @Test func aHookReasonIsCappedAtAFewHundredBytes() async throws {
        let hook = script("long.sh", "cat > /dev/null; printf 'x%.0s' $(seq 1 5000) >&2; exit 3\n")
        let target = ExecTarget(name: "restart", command: [hook], timeoutSeconds: 5, secretInEnvironment: false)
        let error = await #expect(throws: AdapterError.self) { try await target.deploy(try Secret(reading: "x-secret-value")) }
        let message = try #require(error?.message)
        #expect(message.utf8.count < 400)
        #expect(message.contains("…(truncated) (exit status 3)"))
    }

    // MARK: Environment

    @Test func aHookEnvironmentIsTheAllowlistThePassedThroughNamesAndKeyctlsOwnVariables() {
        let inherited = [
            "PATH": "/usr/bin", "HOME": "/home/ops", "VAULT_TOKEN": "hvs.secret", "AWS_SECRET_ACCESS_KEY": "wJalr", "KEYCTL_MASTER_KEY": "key",
            "GITHUB_TOKEN": "ghp_passed", "UNRELATED": "x",
        ]
        let environment = HookEnvironment.build(inheriting: inherited, passThrough: ["GITHUB_TOKEN", "NOT_SET"], extra: ["KEYCTL_ACTION": "deploy"])
        #expect(environment == ["PATH": "/usr/bin", "HOME": "/home/ops", "GITHUB_TOKEN": "ghp_passed", "KEYCTL_ACTION": "deploy"])
    }

    @Test func aRealHookSeesNothingOfTheTestRunnersEnvironmentBeyondTheAllowlist() async throws {
        let dump = folder.file("env.txt")
        let hook = script("dump.sh", "cat > /dev/null; env > \(dump)\n")
        let target = ExecTarget(name: "restart", command: [hook], timeoutSeconds: 5, secretInEnvironment: false, passEnvironment: ["PATH"])
        try await target.deploy(try Secret(reading: "x-secret-value"))
        let names = try String(contentsOfFile: dump, encoding: .utf8).split(separator: "\n").compactMap { $0.split(separator: "=").first.map(String.init) }
        let unexpected = names.filter { !HookEnvironment.standard.contains($0) && !$0.hasPrefix("KEYCTL_") && !["PWD", "SHLVL", "_", "OLDPWD"].contains($0) }
        #expect(unexpected == [], "the hook inherited \(unexpected)")
        #expect(names.contains("KEYCTL_ACTION"))
    }

    @Test func execAdaptersReadTheirPassThroughList() throws {
        let configuration = try KeyctlConfiguration(parsing: """
            [issuers.i]
            type = "exec"
            command = ["issue"]
            env = ["ISSUER_TOKEN"]

            [targets.t]
            type = "exec"
            command = ["deploy"]
            env = ["GITHUB_TOKEN", "REGION"]

            [verifiers.v]
            type = "exec"
            command = ["check"]
            """, file: "keyctl.toml")
        #expect(configuration.issuers["i"] == .exec(command: ["issue"], timeoutSeconds: 30, passEnvironment: ["ISSUER_TOKEN"]))
        #expect(configuration.targets["t"] == .exec(command: ["deploy"], timeoutSeconds: 60, secretInEnvironment: false, passEnvironment: ["GITHUB_TOKEN", "REGION"]))
        #expect(configuration.verifiers["v"] == .exec(command: ["check"], timeoutSeconds: 30, passEnvironment: []))
    }

    @Test(arguments: ["KEYCTL_MASTER_KEY", "not a name", "1ABC", "A=B"])
    func aPassThroughListNamesVariablesOtherThanKeyctls(name: String) {
        let text = "[targets.t]\ntype = \"exec\"\ncommand = [\"deploy\"]\nenv = [\"\(name)\"]\n"
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == 4)
        #expect(error?.problem.contains("'env' must list environment variable names") == true, "\(error?.problem ?? "")")
    }
}
