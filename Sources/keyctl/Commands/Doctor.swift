import ArgumentParser
import Doctor
import Exposure
import Foundation
import KeyStore
import KeyctlConfig

struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Run the security checklist: keys, keyctl.toml, file modes, the audit log, and a project folder.",
        discussion: "Every check runs; each passes, warns or fails with a one-line fix. Exit 0 when all pass, 1 when the worst is a warning, 2 when one fails. See docs/doctor.md.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The project folder to check (default: the current directory).", valueName: "path"))
    var path: String?
    @Flag(help: "Also look for registered keys in the git history of PATH.") var git = false
    @OptionGroup var format: FormatOptions

    func run() async throws {
        let context = CommandContext.current
        let registryPath = try RegistryOpener(context: context, busyTimeout: global.busyTimeout).displayName(of: global.registryLocation())
        let registry: Result<any DoctorRegistry, DoctorProblem>
        var scanner: RegistryTreeScanner?
        do {
            let opened = try await global.openRegistry()
            registry = .success(opened)
            let prefixes = (try? global.loadConfiguration())?.localKeyPrefixes ?? []
            scanner = RegistryTreeScanner(
                detectors: ScanDetectors(localPrefixes: prefixes), registry: opened, environment: context.environment)
        } catch {
            registry = .failure(DoctorProblem(ExitStatus.classify(error).message ?? "\(error)"))
        }
        let configurationPath = ConfigLocation.resolve(
            explicit: global.config, environment: context.environment, currentDirectory: context.currentDirectory)
        let configuration: Result<KeyctlConfiguration, DoctorProblem>
        do {
            configuration = .success(try global.loadConfiguration())
        } catch {
            configuration = .failure(DoctorProblem(ExitStatus.classify(error).message ?? "\(error)"))
        }
        let root = path.map { $0.hasPrefix("/") ? $0 : (context.currentDirectory as NSString).appendingPathComponent($0) } ?? context.currentDirectory
        let subject = DoctorSubject(
            registry: registry, registryPath: registryPath, configurationPath: configurationPath, configuration: configuration,
            environment: context.environment, root: root, includeHistory: git, clock: context.clock, scanner: scanner)
        let report = await Doctor(subject: subject).run()
        switch format.resolved() {
        case .json, .prometheus: writeJSON(report, to: context.standardOutput)
        case .table: context.standardOutput.write(table(report))
        }
        switch report.worst {
        case .pass: return
        case .warn: throw ExitCode(ExitStatus.failure)
        case .fail: throw ExitCode(ExitStatus.critical)
        }
    }

    /// `{"checks":[{id,title,outcome,detail,fix}],"summary":{pass,warn,fail}}`; `fix` is null for a pass.
    private func writeJSON(_ report: DoctorReport, to sink: any OutputSink) {
        var writer = JSONWriter(sink: sink)
        writer.beginObject()
        writer.key("checks")
        writer.beginArray()
        for check in report.checks {
            writer.beginObject()
            writer.key("id"); writer.string(check.id)
            writer.key("title"); writer.string(check.title)
            writer.key("outcome"); writer.string(check.outcome.rawValue)
            writer.key("detail"); writer.string(check.detail)
            writer.key("fix"); writer.string(check.fix)
            writer.endObject()
        }
        writer.endArray()
        writer.key("summary")
        writer.beginObject()
        writer.key("pass"); writer.integer(Int64(report.count(.pass)))
        writer.key("warn"); writer.integer(Int64(report.count(.warn)))
        writer.key("fail"); writer.integer(Int64(report.count(.fail)))
        writer.endObject()
        writer.endObject()
        writer.newline()
        writer.flush()
    }

    /// Failures first, then warnings, then passes; each check on one line, its detail and fix below.
    private func table(_ report: DoctorReport) -> String {
        var text = ""
        for outcome in DoctorOutcome.allCases.reversed() {
            let checks = report.checks(outcome)
            guard !checks.isEmpty else { continue }
            text += "\(outcome.rawValue.uppercased()) (\(checks.count))\n"
            for check in checks {
                text += "  [\(check.id)] \(TerminalText.escaped(check.title))\n"
                text += "      \(TerminalText.escaped(check.detail))\n"
                if let fix = check.fix { text += "      fix: \(TerminalText.escaped(fix))\n" }
            }
        }
        return text + "\(report.count(.pass)) passed, \(report.count(.warn)) warned, \(report.count(.fail)) failed\n"
    }
}
