import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig
import Rotation

struct Verify: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the key's current secret works, with its verifier; record the outcome.",
        discussion: "The secret is read back from the key's first deploy target. Exit 0 when it works, 1 when it is rejected, 69 when the service cannot be reached. `report` flags keys whose last verification failed.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName

    func run() async throws {
        let context = CommandContext.current
        let configuration = try global.loadConfiguration()
        let registry = try await global.openRegistry()
        let setup = RotationSetup(configuration: configuration, environment: context.environment, clock: context.clock)
        let (target, verifier) = try setup.verification(for: name, in: env)
        let key = try await registry.keyDetail(name: name, env: env, recentEvents: 0).key
        guard let secret = try await target.currentSecret() else {
            throw CommandFailure(.failed, "target \(target.name) holds no secret for \(name) (\(env)) to verify")
        }
        if let fingerprint = key.fingerprint, !secret.fingerprint.matches(fingerprint) {
            context.standardError.line("keyctl: warning: target \(target.name) holds a secret that is not the key's current version (\(secret.fingerprint))")
        }
        // The verifier's words may repeat the secret: only redacted text is printed or recorded.
        let redactor = SecretRedactor(secrets: [secret])
        let outcome: VerificationOutcome
        do {
            outcome = try await RetryPolicy(attempts: 3).run { try await verifier.verify(secret) }
        } catch let error as AdapterError {
            throw AdapterError(error.kind, adapter: error.adapter, redactor.redact(error.message, limit: RotationFailure.reasonLimit))
        }
        let succeeded = outcome == .accepted
        let detail = switch outcome {
        case .accepted: "accepted by \(verifier.name)"
        case .rejected(let reason): "rejected by \(verifier.name): \(redactor.redact(reason))"
        }
        _ = try await registry.recordVerification(name: name, env: env, succeeded: succeeded, detail: detail, actor: global.resolvedActor)
        context.standardOutput.line("\(name) (\(env)): \(detail)")
        if !succeeded { throw ExitCode(ExitStatus.failure) }
    }
}
