import ArgumentParser
import Testing
@testable import keyctl

/// What runs before a command starts stays small: keyctl's start-up is most of a `list`.
struct StartupTests {
    /// Without `commandName`, the argument parser derives each command's name from its type name
    /// (`String(describing:)` on the type) on every start, for every command in the tree, to find
    /// the one asked for; each is a runtime conformance scan over the whole binary, a fifth of
    /// keyctl's start-up when measured.
    @Test func everyCommandNamesItselfSoStartupDerivesNoNameFromATypeName() {
        var unnamed: [String] = []
        func visit(_ command: any ParsableCommand.Type) {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            command.configuration.subcommands.forEach(visit)
        }
        visit(Keyctl.self)
        #expect(unnamed.isEmpty, "add commandName: to the CommandConfiguration of \(unnamed.joined(separator: ", "))")
    }
}
