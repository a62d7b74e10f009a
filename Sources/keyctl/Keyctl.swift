import ArgumentParser
import Foundation

/// The `keyctl` command: an API key lifecycle manager.
@main
struct Keyctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyctl",
        abstract: "Keep an inventory of API keys, report the ones due for rotation, and respond to leaks.",
        discussion: "Exit codes: 0 success, 1 failure (report: due keys; identify: no match), 2 critical, 64 usage, 65 bad input, 69 service unavailable, 75 registry busy.",
        subcommands: [
            Init.self, Add.self, Import.self, List.self, Show.self, Update.self, Retire.self, Report.self,
            Compromise.self, Identify.self, Audit.self,
        ])

    static func main() async {
        umask(0o077)
        Foundation.exit(await run(arguments: Array(CommandLine.arguments.dropFirst()), context: .process))
    }

    /// Parses and runs one command line with `context`, printing errors to its standard error.
    /// Returns the exit code.
    static func run(arguments: [String], context: CommandContext) async -> Int32 {
        await CommandContext.$current.withValue(context) {
            let command: any ParsableCommand
            do {
                try SecretArgumentGuard.check(arguments)
                command = try parseAsRoot(arguments)
            } catch {
                return reportParseError(error, arguments: arguments, context: context)
            }
            do {
                if var asyncCommand = command as? AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    var command = command
                    try command.run()
                }
                return ExitStatus.success
            } catch let error as CleanExit {
                return reportParseError(error, arguments: arguments, context: context)
            } catch {
                let (code, message) = ExitStatus.classify(error)
                if let message { context.standardError.line("keyctl: error: \(message)") }
                return code
            }
        }
    }

    private static func reportParseError(_ error: any Error, arguments: [String], context: CommandContext) -> Int32 {
        if let failure = error as? CommandFailure {
            context.standardError.line("keyctl: error: \(failure.message)")
            return ExitStatus.classify(failure).code
        }
        let code = exitCode(for: error).rawValue
        let message = SecretArgumentGuard.redact(fullMessage(for: error), arguments: arguments)
        if code == ExitStatus.success {
            context.standardOutput.line(message)
        } else {
            context.standardError.line(message)
        }
        return code
    }
}
