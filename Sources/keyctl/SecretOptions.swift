import ArgumentParser
import Foundation
import KeyStore

/// Where a secret comes from: standard input, an environment variable or a file.
/// Never an argument: argv is visible in `ps` and shell history.
struct SecretOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the secret from standard input.")
    var secretStdin = false

    @Option(name: .long, help: ArgumentHelp("Read the secret from this environment variable.", valueName: "var"))
    var secretEnv: String?

    @Option(name: .long, help: ArgumentHelp("Read the secret from this file.", valueName: "path"))
    var secretFile: String?

    func validate() throws {
        let sources = [secretStdin, secretEnv != nil, secretFile != nil].filter { $0 }.count
        if sources > 1 {
            throw ValidationError("give the secret one way: --secret-stdin, --secret-env VAR or --secret-file PATH")
        }
    }

    var isGiven: Bool { secretStdin || secretEnv != nil || secretFile != nil }

    /// Reads the secret from the chosen source, or nil when none was chosen.
    func read() throws -> Secret? {
        let context = CommandContext.current
        if secretStdin {
            if context.inputIsTerminal {
                context.standardError.line("keyctl: reading the secret from standard input (end with Ctrl-D)")
            }
            return try Secret(reading: String(decoding: context.readStandardInput(), as: UTF8.self))
        }
        if let variable = secretEnv {
            guard let value = context.environment[variable] else {
                throw CommandFailure(.usage, "the environment variable \(variable) named by --secret-env is not set")
            }
            return try Secret(reading: value)
        }
        if let path = secretFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.usage, "cannot read the secret file \(path): check that it exists and is readable")
            }
            return try Secret(reading: String(decoding: data, as: UTF8.self))
        }
        return nil
    }
}

/// Refuses, before parsing, any attempt to pass a secret as an argument, without echoing it.
enum SecretArgumentGuard {
    private static let forbidden = ["--secret", "--password", "--token", "--api-key", "--key-value"]

    static func check(_ arguments: [String]) throws {
        for argument in arguments where argument.hasPrefix("--") {
            let flag = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if forbidden.contains(flag) {
                throw CommandFailure(
                    .usage,
                    "\(flag): secrets are never taken as arguments (argv shows in ps and shell history); use --secret-stdin, --secret-env VAR or --secret-file PATH")
            }
        }
    }

    /// Hides from a usage message every long argument the user typed, in case it was a secret
    /// typed in the wrong place: a value of 20 characters or more is shown as `<redacted>`.
    static func redact(_ message: String, arguments: [String]) -> String {
        var message = message
        for argument in arguments {
            let value = argument.hasPrefix("-") ? String(argument.split(separator: "=", maxSplits: 1).dropFirst().first ?? "") : argument
            if value.count >= 20 { message = message.replacingOccurrences(of: value, with: "<redacted>") }
        }
        return message
    }
}
