import Adapters
import ArgumentParser
import Foundation
import KeyStore

struct Webhook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Webhook tools.", subcommands: [WebhookVerify.self])
}

struct WebhookVerify: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a received webhook's signature, as a receiver must (the body on stdin).",
        discussion: "keyctl webhook verify --secret-env WEBHOOK_SECRET --header \"$X_KEYCTL_SIGNATURE\" < body.json\nExit 0 when valid, 1 when invalid or older than the tolerance.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "The X-Keyctl-Signature header value: t=...,v1=...") var header: String
    @Option(name: .customLong("tolerance"), help: ArgumentHelp("How old a signature may be (default 5m).", valueName: "duration"), transform: ArgumentParsing.timeSpan)
    var tolerance: TimeSpan = TimeSpan(seconds: 300)
    @OptionGroup var secret: SecretOptions

    func validate() throws {
        guard secret.secretEnv != nil || secret.secretFile != nil else {
            throw ValidationError("give the webhook secret with --secret-env VAR or --secret-file PATH (the body comes on stdin)")
        }
    }

    func run() async throws {
        let context = CommandContext.current
        let key = try secret.read()!
        let body = Array(context.readStandardInput())
        let verdict = WebhookSignature.verify(
            header: header, body: body, secret: key, now: context.clock.now(), toleranceSeconds: tolerance.seconds)
        switch verdict {
        case .valid: context.standardOutput.line("valid signature")
        case .invalid: throw CommandFailure(.failed, "invalid signature: the body was changed or signed with another secret")
        case .expired: throw CommandFailure(.failed, "the signature is older than \(tolerance) (or from the future): possible replay")
        case .malformed:
            throw CommandFailure(.usage, "the header is not t=UNIX_SECONDS,v1=HEX (t: digits only, a time in years 0001 to 9999; v1: hex digits)")
        }
    }
}
