import KeyStore
import ArgumentParser
import Foundation

/// The `keyctl` command: an API key lifecycle manager.
@main
struct Keyctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keyctl",
        abstract: "Keep an inventory of API keys, report the ones due for rotation, and respond to leaks.",
        discussion: "Exit codes: 0 success, 1 failure (report: due keys; identify: no match), 2 critical, 64 usage, 65 bad input, 69 service unavailable, 75 registry busy.",
        version: "0.1.0",
        subcommands: [
            Init.self, Add.self, Import.self, List.self, Show.self, Update.self, Retire.self, Report.self,
            Compromise.self, Identify.self, Audit.self, Rotate.self, Rotations.self, Verify.self, Webhook.self,
            Scan.self, Access.self, Offboard.self, DoctorCommand.self, Migrate.self,
        ])

    static func main() async {
        ProcessHardening.disableCoreDumps()
        umask(0o077)
        // `keyctl report | head`: a closed pipe ends output with EPIPE, not a crash.
        signal(SIGPIPE, SIG_IGN)
        // Outside any `withValue`, `current` is the real process: built once, read once.
        Foundation.exit(await run(arguments: Array(CommandLine.arguments.dropFirst()), context: CommandContext.current))
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
            let checkpoint = await AuditCheckpointHook(command: command, context: context)
            let code = await run(command, arguments: arguments, checkpoint: checkpoint, context: context)
            await context.registries.close()
            return code
        }
    }

    /// Runs a parsed command; the checkpoint hook sees its outcome.
    private static func run(_ command: any ParsableCommand, arguments: [String], checkpoint: AuditCheckpointHook, context: CommandContext) async -> Int32 {
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var command = command
                try command.run()
            }
            return await checkpoint.finish(ExitStatus.success)
        } catch {
            guard ExitStatus.known(error) != nil else { return await checkpoint.finish(reportParseError(error, arguments: arguments, context: context)) }
            return await checkpoint.finish(report(error, context: context))
        }
    }

    private static func report(_ error: any Error, context: CommandContext) -> Int32 {
        let (code, message) = ExitStatus.classify(error)
        if let message { context.standardError.line("keyctl: error: \(TerminalText.escaped(message))") }
        return code
    }

    /// Help goes to standard output; a usage error is one line on standard error, exit 64.
    private static func reportParseError(_ error: any Error, arguments: [String], context: CommandContext) -> Int32 {
        if error is CommandFailure { return report(error, context: context) }
        let code = exitCode(for: error).rawValue
        if code == ExitStatus.success {
            context.standardOutput.line(fullMessage(for: error))
        } else {
            let message = SecretArgumentGuard.redact(message(for: error), arguments: arguments)
            context.standardError.line("keyctl: error: \(TerminalText.escaped(message)) (see keyctl help)")
        }
        return code
    }
}
