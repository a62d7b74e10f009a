import Foundation
import KeyStore
import Rotation

/// A program that tries the secret (given on stdin): exit 0 accepted, exit 1 rejected (first
/// stderr line, with the secret redacted, as the reason), exit 75 temporary, anything else needs
/// an operator. Its environment: see `ProcessRunner`.
public struct ExecVerifier: Verifier {
    public let name: String
    let runner: ProcessRunner

    public init(name: String, command: [String], timeoutSeconds: Double, passEnvironment: [String] = []) {
        self.name = name
        runner = ProcessRunner(command: command, timeoutSeconds: timeoutSeconds, adapter: "verifier \(name)", passThrough: passEnvironment)
    }

    public func verify(_ secret: Secret) async throws -> VerificationOutcome {
        let output = try await runner.run(stdin: Data(secret.revealBytes()), environment: ["KEYCTL_VERIFIER": name])
        // The redactor is built only for a reason to give: each secret's encoded forms cost more
        // than the rest of an accepted verification on keyctl's side.
        switch output.status {
        case 0: return .accepted
        case 1: return .rejected(output.reason(redactor: SecretRedactor(secrets: [secret])))
        default: throw output.failure(adapter: runner.adapter, doing: "verify", redactor: SecretRedactor(secrets: [secret]))
        }
    }
}
