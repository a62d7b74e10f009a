import Foundation
import Adapters
import KeyStore
import Rotation

extension FuzzTarget {
    /// An exec issuer's reply to `create`: the input is what the program prints (the real
    /// `ExecIssuer` runs `/bin/cat` on it). A JSON object with a non-empty string `secret` gives
    /// that secret, byte for byte, and `id` when it is a string; anything else is a
    /// `needsOperator` `AdapterError` whose message does not repeat the reply.
    static let execReply = FuzzTarget(name: "exec-reply") { bytes in
        let reply = ExecReplyFile.shared
        reply.write(bytes)
        let outcome = ExecReplyOutcome.create(replying: reply.path)
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any]
        switch (outcome, object?["secret"] as? String) {
        case (.issued(let credential), let secret?):
            invariant(credential.secret.revealBytes() == Array(secret.utf8), "the secret is not the reply's")
            invariant(credential.issuerRef == object?["id"] as? String, "the id is not the reply's")
        case (.issued, nil):
            invariant(false, "a credential from a reply without a secret")
        case (.failed(let error as AdapterError), let secret):
            invariant(secret?.isEmpty ?? true, "a reply with a secret was refused: \(error)")
            invariant(error.kind == .needsOperator, "a bad reply is not needsOperator: \(error)")
            let text = String(decoding: bytes, as: UTF8.self)
            invariant(text.count < 32 || !error.description.contains(text), "the error repeats the reply")
        case (.failed(let error), _):
            invariant(false, "not an AdapterError: \(error)")
        }
    }
}

/// The file `/bin/cat` prints as the exec issuer's reply; one per fuzzing process.
final class ExecReplyFile: @unchecked Sendable {
    static let shared = ExecReplyFile()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("keyctl-fuzz-reply-\(getpid())").path

    func write(_ bytes: [UInt8]) {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { fatalError("cannot write \(path)") }
    }
}

/// What `ExecIssuer.create` gave, waited for from libFuzzer's synchronous callback.
enum ExecReplyOutcome: @unchecked Sendable {
    case issued(IssuedCredential)
    case failed(any Error)

    static func create(replying path: String) -> ExecReplyOutcome {
        let issuer = ExecIssuer(name: "fuzz", command: ["/bin/cat", path], timeoutSeconds: 10)
        let request = CredentialRequest(
            name: KeyName("checkout")!, env: EnvironmentName("prod")!, scopes: ["orders:write"], idempotencyKey: "fuzz")
        let box = ResultBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.outcome = .issued(try await issuer.create(request)) } catch { box.outcome = .failed(error) }
            done.signal()
        }
        done.wait()
        return box.outcome!
    }

    private final class ResultBox: @unchecked Sendable {
        var outcome: ExecReplyOutcome?
    }
}
