import Foundation
import ArgumentParser
import Exposure
import KeyStore
import KeyctlConfig

/// `keyctl identify --findings FILE`: reads a scanner's report, looks each finding up in the
/// registry, optionally marks the exposed keys compromised, and says what to do about each.
struct IdentifyFindings {
    let global: GlobalOptions
    /// The report as the user named it.
    let file: String
    /// `--reason` when `--mark-compromised` was given; nil otherwise.
    let reason: String?
    let format: OutputFormat

    func run() async throws {
        let context = CommandContext.current
        let path = file.hasPrefix("/") ? file : context.currentDirectory + "/" + file
        let report: ScannerReport
        do {
            report = try ScannerReport.read(path: path, file: file)
        } catch {
            throw CommandFailure(.badInput, error.description)
        }
        warnAboutPlaintext(report, path: path, errors: context.standardError)
        let configuration = try global.loadConfiguration()
        let triage = LeakTriage(registry: try await global.openRegistry())
        let matches = try await triage.match(report.findings)
        var marked: [IdentifiedSecret] = []
        if let reason {
            marked = try await triage.markCompromised(matches, reason: reason, actor: global.resolvedActor)
        }
        let statusNow = Dictionary(marked.map { ("\($0.key.env)/\($0.key.name)", $0.key.status) }, uniquingKeysWith: { first, _ in first })
        let findings = zip(report.leaks, matches).map { leak, match in
            IdentifiedFinding(leak: leak, match: match, configuration: configuration, statusNow: statusNow)
        }
        let renderer = FindingsRenderer(file: file, format: report.format, findings: findings, marked: marked)
        switch format {
        case .json, .prometheus: renderer.json(to: context.standardOutput)
        case .table: context.standardOutput.write(renderer.table())
        }
        let code = IdentifiedFinding.exitCode(findings)
        if code != ExitStatus.success { throw ExitCode(code) }
    }

    /// Says once on stderr that the report holds plaintext secrets, and warns when others can read it.
    private func warnAboutPlaintext(_ report: ScannerReport, path: String, errors: any OutputSink) {
        guard report.format.holdsPlaintextSecrets else { return }
        let name = TerminalText.escaped(file)
        errors.line("keyctl: \(name) holds plaintext secrets (keyctl printed none of them); shred it when you are done: shred -u \(ShellQuote.quote(name))")
        var status = stat()
        if stat(path, &status) == 0, status.st_mode & 0o044 != 0 {
            errors.line(
                "keyctl: warning: \(name) is readable by other users (mode \(String(status.st_mode & 0o777, radix: 8))); chmod 600 it or shred it now")
        }
    }
}

/// One finding with everything the responder needs: the key, its targets, and what to do.
struct IdentifiedFinding {
    let leak: ReportedLeak
    let match: LeakMatch
    /// The key's status after `--mark-compromised`, else as it was.
    let keyStatus: KeyStatus?
    /// The deploy targets keyctl.toml binds to the key: name and kind (`env-file`, `vault`, ...).
    let targets: [(name: String, kind: String)]

    init(leak: ReportedLeak, match: LeakMatch, configuration: KeyctlConfiguration, statusNow: [String: KeyStatus]) {
        self.leak = leak
        self.match = match
        if case .registered(let found) = match.verdict {
            keyStatus = statusNow["\(found.key.env)/\(found.key.name)"] ?? found.key.status
            targets = (configuration.binding(for: found.key.name, in: found.key.env).targets ?? []).map { name in
                (name, configuration.targets[name]?.kind ?? "?")
            }
        } else {
            keyStatus = nil
            targets = []
        }
    }

    var found: IdentifiedSecret? {
        if case .registered(let found) = match.verdict { return found }
        return nil
    }

    /// The masked form of the secret: the report's secret masked, or the matched version's stored hint.
    var hint: String {
        switch match.finding.evidence {
        case .secret(let secret): secret.hint
        case .sha1: found?.version.hint ?? "-"
        }
    }

    /// What to do, as one line.
    var recommendation: String {
        guard let found else {
            return "not in the inventory: if it is yours, revoke it at its issuer and register its replacement (keyctl add)"
        }
        switch match.verdict.severity {
        case .critical:
            let reason = ShellQuote.quote("leaked: \(match.finding.rule) at \(match.finding.location.description)")
            let rotate = "keyctl compromise \(found.key.name) --env \(found.key.env) --reason \(reason) --rotate"
            return found.version.stage == .pending
                ? "rotate now: a rotation with this new version is in flight; abort it (keyctl rotate \(found.key.name) --env \(found.key.env) --abort), then \(rotate)"
                : "rotate now: \(rotate)"
        case .revoked, .unknown:
            return "revoked already (the secret no longer works): clean it out of the code and its history"
        }
    }

    /// 2 when a live version of a registered key was found, 1 when there are findings but none is
    /// live, 0 when there are none.
    static func exitCode(_ findings: [IdentifiedFinding]) -> Int32 {
        if findings.isEmpty { return ExitStatus.success }
        return findings.contains { $0.match.verdict.severity == .critical } ? ExitStatus.critical : ExitStatus.failure
    }
}

extension TargetDefinition {
    /// The `type` keyctl.toml gives the target.
    var kind: String {
        switch self {
        case .envFile: "env-file"
        case .exec: "exec"
        case .vault: "vault"
        case .awsSecretsManager: "aws-secretsmanager"
        }
    }
}

/// Quoting for a command line shown to the user to copy.
enum ShellQuote {
    /// `text` in single quotes, with each `'` written as `'\''`.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
