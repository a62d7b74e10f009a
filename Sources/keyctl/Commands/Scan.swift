import ArgumentParser
import Exposure
import Foundation
import KeyStore
import KeyctlConfig

struct Scan: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find leaked keys in files or a repository's history, and tell whose they are.",
        discussion: """
            keyctl scan . --format sarif > scan.sarif
            keyctl scan . --git --all-branches --rules .gitleaks.toml
            Exit 2 when a live version of a registered key is found, 1 when only unknown or revoked keys are found, 0 when nothing is, 65 for a bad --rules or --baseline file or (with --git) a path that is not a repository. Secrets are never printed, only masked. See docs/scan.md.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Files and folders to scan (with --git: a folder in each repository).") var paths: [String]
    @Flag(help: "Scan the repository's history (added lines of every commit) instead of its files.") var git = false
    @Flag(name: .customLong("all-branches"), help: "With --git: every branch, tag and stash, not just HEAD.") var allBranches = false
    @Option(help: ArgumentHelp("A gitleaks v8 config whose rules and allowlists also apply.", valueName: "file")) var rules: String?
    @Option(help: ArgumentHelp("Suppress the findings this baseline accepts (never a live registered key).", valueName: "file"))
    var baseline: String?
    @Option(name: .customLong("write-baseline"), help: ArgumentHelp("Write a baseline accepting every finding of this scan.", valueName: "file"))
    var writeBaseline: String?
    @Flag(name: .customLong("mark-compromised"), help: "Mark each registered key with a live version found compromised (needs --reason).")
    var markCompromised = false
    @Option(help: "Why, for the audit log (with --mark-compromised).") var reason: String?
    @Option(help: "Output format: table, json or sarif (default: table on a terminal, json otherwise).") var format: ScanFormat?

    enum ScanFormat: String, ExpressibleByArgument, CaseIterable {
        case table, json, sarif
    }

    func validate() throws {
        if allBranches && !git { throw ValidationError("--all-branches needs --git") }
        if markCompromised && (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--mark-compromised needs a non-empty --reason")
        }
        if reason != nil && !markCompromised { throw ValidationError("--reason is only for --mark-compromised") }
        if paths.contains(where: \.isEmpty) { throw ValidationError("a path to scan must not be empty") }
        if let writeBaseline, writeBaseline == baseline { throw ValidationError("--write-baseline must not overwrite the --baseline being read") }
    }

    func run() async throws {
        let context = CommandContext.current
        let localPrefixes = try global.loadConfiguration().localKeyPrefixes
        let ruleSet = try rules.map { path in try scanning { () throws(ScanError) in try GitleaksRuleSet.load(path: resolve(path)) } }
        for warning in ruleSet?.warnings ?? [] { context.standardError.line("keyctl: warning: \(TerminalText.escaped(warning))") }
        let accepted = try baseline.map { path in try scanning { () throws(ScanError) in try ScanBaseline.load(path: resolve(path)) } }
        let registry = try await global.openRegistry()

        var scan = SecretScan(paths: paths, detectors: ScanDetectors(localPrefixes: localPrefixes, rules: ruleSet))
        scan.git = git
        scan.allBranches = allBranches
        scan.currentDirectory = context.currentDirectory
        scan.environment = context.environment
        let (hits, summary) = try await scanning { () async throws(ScanError) in try await scan.collect() }
        let all = try await SecretScan.triage(hits, registry: registry)
        let leaks = all.filter { !(accepted?.suppresses($0) ?? false) }

        if let writeBaseline {
            try scanning { () throws(ScanError) in try ScanBaseline(accepting: all).write(to: resolve(writeBaseline)) }
        }
        var marked: [IdentifiedSecret] = []
        if markCompromised, let reason {
            marked = try await LeakTriage(registry: registry).markCompromised(leaks.map(\.match), reason: reason, actor: global.resolvedActor)
        }
        let report = ScanReport(leaks: leaks, summary: summary, suppressed: all.count - leaks.count, marked: marked)
        switch format ?? (context.outputIsTerminal ? .table : .json) {
        case .table: report.table(to: context.standardOutput)
        case .json: report.json(to: context.standardOutput)
        case .sarif:
            let catalog = ScanDetectors(localPrefixes: localPrefixes, rules: ruleSet).catalog
            context.standardOutput.write(Array(try SARIFLog.encode(leaks, catalog: catalog, version: Keyctl.configuration.version)) + [0x0A])
            context.standardError.line(report.summaryLine)
        }
        if leaks.contains(where: { $0.verdict.severity == .critical }) { throw ExitCode(ExitStatus.critical) }
        if !leaks.isEmpty { throw ExitCode(ExitStatus.failure) }
    }

    private func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (CommandContext.current.currentDirectory as NSString).appendingPathComponent(path)
    }

    /// Runs `body`, turning a `ScanError` into the CLI's failure (65 for bad input, else 1).
    private func scanning<T>(_ body: () async throws(ScanError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw CommandFailure(error.kind == .badInput ? .badInput : .failed, error.description)
        }
    }

    private func scanning<T>(_ body: () throws(ScanError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw CommandFailure(error.kind == .badInput ? .badInput : .failed, error.description)
        }
    }
}
