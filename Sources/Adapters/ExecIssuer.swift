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
        let input = CreateInput(
            key: request.name.rawValue, env: request.env.rawValue, scopes: request.scopes, idempotencyKey: request.idempotencyKey)
        let output = try await runner.run(stdin: try JSONEncoder().encode(input))
        guard output.status == 0 else { throw output.failure(adapter: runner.adapter, doing: "create", redactor: SecretRedactor()) }
        guard let answer = try? JSONDecoder().decode(CreateAnswer.self, from: output.stdout), !answer.secret.isEmpty else {
            throw AdapterError(.needsOperator, adapter: runner.adapter, "create answered without a JSON object holding \"secret\"")
        }
        return IssuedCredential(secret: try Secret(bytes: Array(answer.secret.utf8)), issuerRef: answer.id)
    }

    public func delete(_ credential: CredentialReference) async throws {
        let input = DeleteInput(
            id: credential.issuerRef, fingerprint: credential.fingerprint?.rawValue, idempotencyKey: credential.idempotencyKey)
        let output = try await runner.run(stdin: try JSONEncoder().encode(input))
        guard output.status == 0 else { throw output.failure(adapter: runner.adapter, doing: "delete", redactor: SecretRedactor()) }
    }

    /// What `create` sends on stdin.
    private struct CreateInput: Encodable {
        let action = "create"
        let key: String
        let env: String
        let scopes: [String]
        let idempotencyKey: String

        enum CodingKeys: String, CodingKey {
            case action, key, env, scopes
            case idempotencyKey = "idempotency_key"
        }
    }

    /// What `delete` sends on stdin; a field keyctl does not know is left out.
    private struct DeleteInput: Encodable {
        let action = "delete"
        let id: String?
        let fingerprint: String?
        let idempotencyKey: String?

        enum CodingKeys: String, CodingKey {
            case action, id, fingerprint
            case idempotencyKey = "idempotency_key"
        }
    }

    /// What `create` answers: an object with the string `secret`, and `id` when it is a string
    /// (an `id` of another type is ignored, as are fields keyctl does not read; a string that is
    /// not valid JSON text refuses the answer).
    private struct CreateAnswer: Decodable {
        let secret: String
        let id: String?

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            secret = try fields.decode(String.self, forKey: .secret)
            do {
                id = try fields.decodeIfPresent(String.self, forKey: .id)
            } catch DecodingError.typeMismatch {
                id = nil
            }
        }

        enum CodingKeys: String, CodingKey { case secret, id }
    }
}
