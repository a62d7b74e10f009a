import Foundation
import KeyStore
import Rotation

/// An external program that creates and deletes credentials, speaking JSON on stdin/stdout
/// (see docs/adapters.md):
///
///     {"action":"create","key":"checkout","env":"prod","scopes":["orders:write"],"idempotency_key":"..."}
///     -> {"secret":"...","id":"..."}
///     {"action":"delete","id":"...","fingerprint":"sha256:...","idempotency_key":"..."}   -> exit 0
///
/// The program must return the same credential for an idempotency key it has seen. Exit 75 means
/// "temporary, retry"; other non-zero exits need an operator; the first stderr line, redacted, is
/// the reason. Its environment: see `ProcessRunner`; `passEnvironment` names the variables of
/// keyctl's environment it also gets.
public struct ExecIssuer: CredentialIssuer {
    let runner: ProcessRunner

    public init(name: String, command: [String], timeoutSeconds: Double, passEnvironment: [String] = []) {
        runner = ProcessRunner(command: command, timeoutSeconds: timeoutSeconds, adapter: "issuer \(name)", passThrough: passEnvironment)
    }

    public func create(_ request: CredentialRequest) async throws -> IssuedCredential {
        let input: [String: Any] = [
            "action": "create", "key": request.name.rawValue, "env": request.env.rawValue, "scopes": request.scopes,
            "idempotency_key": request.idempotencyKey,
        ]
        let output = try await runner.run(stdin: try JSONSerialization.data(withJSONObject: input))
        guard output.status == 0 else { throw output.failure(adapter: runner.adapter, doing: "create", redactor: SecretRedactor()) }
        guard let object = try? JSONSerialization.jsonObject(with: output.stdout) as? [String: Any],
              let secret = object["secret"] as? String, !secret.isEmpty
        else {
            throw AdapterError(.needsOperator, adapter: runner.adapter, "create answered without a JSON object holding \"secret\"")
        }
        return IssuedCredential(secret: try Secret(bytes: Array(secret.utf8)), issuerRef: object["id"] as? String)
    }

    public func delete(_ credential: CredentialReference) async throws {
        var input: [String: Any] = ["action": "delete"]
        input["id"] = credential.issuerRef
        input["fingerprint"] = credential.fingerprint?.rawValue
        input["idempotency_key"] = credential.idempotencyKey
        let output = try await runner.run(stdin: try JSONSerialization.data(withJSONObject: input))
        guard output.status == 0 else { throw output.failure(adapter: runner.adapter, doing: "delete", redactor: SecretRedactor()) }
    }
}
