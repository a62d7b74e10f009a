import ArgumentParser
import Foundation
import KeyStore

/// Where a secret comes from: standard input, an environment variable or a file.
/// Never an argument: argv is visible in `ps` and shell history.
///
/// A user may type the secret itself where the variable's name or the file's path goes, so errors
/// show a name only when it reads like a variable name (`SecretArgumentGuard.showsAsVariableName`)
/// and a path only when the file exists. A secret file that is a symbolic link or readable by its
/// group or others gets a warning on stderr (it is often a one-off file; it is still read).
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
                guard SecretArgumentGuard.showsAsVariableName(variable) else {
                    throw CommandFailure(.usage, "the environment variable named by --secret-env is not set (name not shown: it does not look like a variable name and may be a secret)")
                }
                throw CommandFailure(.usage, "the environment variable \(variable) named by --secret-env is not set")
            }
            return try Secret(reading: value)
        }
        if let path = secretFile {
            var status = stat()
            guard lstat(path, &status) == 0 else {
                throw CommandFailure(.usage, "the file named by --secret-file does not exist (path not shown: it may be a secret)")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.usage, "cannot read the secret file \(path): check that it is readable")
            }
            if let warning = Self.exposure(of: path, status: status) {
                context.standardError.line("keyctl: warning: the secret file \(path) \(warning)")
            }
            return try Secret(reading: String(decoding: data, as: UTF8.self))
        }
        return nil
    }

    /// What makes a secret file readable by others, given its `lstat`; nil when nothing does.
    private static func exposure(of path: String, status: stat) -> String? {
        if status.st_mode & S_IFMT == S_IFLNK {
            return "is a symbolic link: whoever can change the link chooses what keyctl reads; give the file itself"
        }
        if status.st_mode & 0o044 != 0 {
            return "is readable by its group or others: chmod 600 it, or delete it once used"
        }
        return nil
    }
}

/// Refuses, before parsing, any attempt to pass a secret as an argument, without echoing it.
enum SecretArgumentGuard {
    private static let forbidden = ["--secret", "--password", "--token", "--api-key", "--key-value"]

    static func check(_ arguments: [String]) throws {
        for argument in arguments {
            let value = argument.hasPrefix("--") ? String(argument.split(separator: "=", maxSplits: 1).dropFirst().first ?? "") : argument
            if RegistryLocation.carriesPassword(value) {
                throw CommandFailure(
                    .usage,
                    "a database password in an argument shows in ps and shell history; put the URL in KEYCTL_DB, or give the password through PGPASSWORD or ~/.pgpass (see docs/postgresql.md)")
            }
        }
        for argument in arguments where argument.hasPrefix("--") {
            let flag = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if forbidden.contains(flag) {
                throw CommandFailure(
                    .usage,
                    "\(flag): secrets are never taken as arguments (argv shows in ps and shell history); use --secret-stdin, --secret-env VAR or --secret-file PATH")
            }
        }
    }

    /// Whether `name` reads like an environment variable's name and can be shown in an error:
    /// upper-case letters, digits and `_`, not starting with a digit, at most 32 characters, at most
    /// 3 digits, no word between `_` longer than 12 characters. Anything else (`sk_live_…`, a
    /// base64 string, `AKIAIOSFODNN7EXAMPLE`) may be a secret typed in its place.
    static func showsAsVariableName(_ name: String) -> Bool {
        guard let first = name.first, name.count <= 32, !first.isNumber else { return false }
        let allowed = name.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber || $0 == "_") }
        return allowed && name.filter(\.isNumber).count <= 3 && name.split(separator: "_").allSatisfy { $0.count <= 12 }
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
