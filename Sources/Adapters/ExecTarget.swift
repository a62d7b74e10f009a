import Foundation
import KeyStore
import Rotation

/// A deploy hook (a restart, a redeploy). It gets the secret on stdin, or in the environment
/// variable `KEYCTL_SECRET` when configured so, never in its arguments. `KEYCTL_ACTION` is
/// `deploy` or `restore` (on abort, with the old secret when an earlier target had it).
/// A non-zero exit fails the step, with the first stderr line as the reason, the secret it was
/// given redacted; exit 75 means "temporary, retry". Its environment: see `ProcessRunner`.
public struct ExecTarget: DeployTarget {
    public let name: String
    let runner: ProcessRunner
    let secretInEnvironment: Bool
    public var canReadBack: Bool { false }

    public init(name: String, command: [String], timeoutSeconds: Double, secretInEnvironment: Bool, passEnvironment: [String] = []) {
        self.name = name
        runner = ProcessRunner(command: command, timeoutSeconds: timeoutSeconds, adapter: "target \(name)", passThrough: passEnvironment)
        self.secretInEnvironment = secretInEnvironment
    }

    public func snapshot() async throws -> Secret? { nil }
    public func currentSecret() async throws -> Secret? { nil }

    public func deploy(_ secret: Secret) async throws { try await run(action: "deploy", secret) }

    public func restore(_ previous: Secret?) async throws { try await run(action: "restore", previous) }

    private func run(action: String, _ secret: Secret?) async throws {
        var environment = ["KEYCTL_ACTION": action, "KEYCTL_TARGET": name]
        var stdin = Data()
        if let secret {
            if secretInEnvironment { environment["KEYCTL_SECRET"] = secret.revealText() } else { stdin = Data(secret.revealBytes()) }
        }
        let output = try await runner.run(stdin: stdin, environment: environment)
        guard output.status == 0 else { throw output.failure(adapter: runner.adapter, doing: action, redactor: SecretRedactor(secrets: secret.map { [$0] } ?? [])) }
    }
}
