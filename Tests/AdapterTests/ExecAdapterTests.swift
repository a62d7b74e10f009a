import Adapters
import Foundation
import KeyStore
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
        let hanging = ExecTarget(name: "restart", command: [script("hang.sh", "sleep 30\n")], timeoutSeconds: 0.5, secretInEnvironment: false)
        let started = Date()
        let error = await #expect(throws: AdapterError.self) { try await hanging.deploy(try Secret(reading: "x-secret-value")) }
        #expect(error?.kind == .retryable)
        #expect(Date().timeIntervalSince(started) < 10)
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
}
