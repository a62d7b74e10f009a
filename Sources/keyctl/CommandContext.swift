import Foundation
import KeyStore

/// What a command needs from the process around it: environment, standard streams, clock.
///
/// Commands read it from `CommandContext.current`; tests run commands in-process with their own.
struct CommandContext: Sendable {
    var environment: [String: String]
    var currentDirectory: String
    /// Reads all of standard input.
    var readStandardInput: @Sendable () -> Data
    /// Reads one line of standard input (a confirmation).
    var readLine: @Sendable () -> Data = { Data((Swift.readLine() ?? "").utf8) }
    var standardOutput: any OutputSink
    var standardError: any OutputSink
    var clock: any WallClock
    var outputIsTerminal: Bool
    var inputIsTerminal: Bool
    /// The registry this run opened (see `GlobalOptions.openRegistry`).
    var registries = RegistrySession()

    @TaskLocal static var current = CommandContext.process

    /// The real process: its environment, file descriptors 0, 1 and 2, the system clock.
    static var process: CommandContext {
        CommandContext(
            environment: ProcessEnvironment.variables(),
            currentDirectory: FileManager.default.currentDirectoryPath,
            readStandardInput: { FileHandle.standardInput.readDataToEndOfFile() },
            standardOutput: FileDescriptorSink(descriptor: STDOUT_FILENO),
            standardError: FileDescriptorSink(descriptor: STDERR_FILENO),
            clock: SystemClock(),
            outputIsTerminal: isatty(STDOUT_FILENO) == 1,
            inputIsTerminal: isatty(STDIN_FILENO) == 1)
    }
}
