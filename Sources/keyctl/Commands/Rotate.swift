import ArgumentParser
import Foundation
import KeyStore
import KeyctlConfig
import Rotation
import RotationCoordination

struct Rotate: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Rotate a key with zero downtime: create, deploy, verify, grace, delete.",
        discussion: """
            keyctl rotate checkout --env prod               rotate one key
            keyctl rotate checkout --env prod --dry-run     show the plan, change nothing
            keyctl rotate checkout --env prod --resume      continue after a failure or a crash
            keyctl rotate checkout --env prod --abort       roll back: targets restored, new credential deleted
            keyctl rotate --overdue [--env ENV] [--concurrency N]
            keyctl rotate --all --env ENV --emergency       incident response: every key, no grace
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The key's name.", transform: ArgumentParsing.keyName) var name: KeyName?
    @Option(help: "The key's environment.", transform: ArgumentParsing.environment) var env: EnvironmentName?
    @Option(help: ArgumentHelp("How long the old secret stays valid after the new one is verified (such as 1h; 0m for none).", valueName: "duration"), transform: ArgumentParsing.grace)
    var grace: TimeSpan?
    @Flag(help: "Incident response: no grace, the old secret is deleted as soon as the new one is verified.") var emergency = false
    @Flag(name: .customLong("dry-run"), help: "Print the plan and change nothing.") var dryRun = false
    @Flag(help: "Continue the key's rotation in flight.") var resume = false
    @Flag(help: "Roll back the key's rotation in flight.") var abort = false
    @Flag(help: "Do not ask for confirmation.") var yes = false
    @Flag(help: "Rotate every key that is overdue, compromised or flagged offboarding (with --env, in that environment).") var overdue = false
    @Flag(help: "Rotate every active key in --env (with --emergency).") var all = false
    @Option(help: "With --overdue or --all: how many rotations run at once (1 to 255).") var concurrency = 4

    func validate() throws {
        if resume && abort { throw ValidationError("give --resume or --abort, not both") }
        if overdue || all {
            if name != nil { throw ValidationError("--overdue and --all rotate many keys: give no key name") }
            if overdue && all { throw ValidationError("give --overdue or --all, not both") }
            if all && (env == nil || !emergency) { throw ValidationError("--all needs --env and --emergency") }
            if resume || abort || dryRun { throw ValidationError("--resume, --abort and --dry-run take one key") }
            guard (1...RotationCoordinator.maximumConcurrency).contains(concurrency) else {
                throw ValidationError("--concurrency must be from 1 to \(RotationCoordinator.maximumConcurrency)")
            }
        } else {
            guard name != nil else { throw ValidationError("name the key to rotate, or give --overdue or --all") }
            guard env != nil else { throw ValidationError("missing --env") }
        }
        if (resume || abort) && (grace != nil || emergency) { throw ValidationError("--grace and --emergency apply to a new rotation") }
    }

    func run() async throws {
        let context = CommandContext.current
        let output = context.standardOutput
        let errors = context.standardError
        let many = overdue || all
        let coordinator = try await global.rotationCoordinator { record, step in
            if !many { RotationProgress.print(record, step, output: output, errors: errors) }
        }
        if many {
            try await rotateMany(coordinator)
            return
        }
        let name = name!, env = env!
        if dryRun {
            output.line("rotation plan for \(name) (\(env)); nothing will be changed:")
            for step in try await coordinator.dryRun(name, env, grace: grace, emergency: emergency) { output.line("  " + step) }
            return
        }
        if abort {
            let record = try await coordinator.abort(name, env)
            output.line("\(name) (\(env)): rotation \(record.id) aborted; targets restored, the new credential deleted, the old secret is current")
            return
        }
        if !resume { try confirm(name, env) }
        let record = resume ? try await coordinator.resume(name, env) : try await coordinator.rotate(name, env, grace: grace, emergency: emergency)
        if record.state == .grace, let until = record.graceUntil {
            output.line("\(name) (\(env)): the new secret is live; the old one stays valid until \(Timestamp.format(until)). `keyctl rotations finish` (cron) deletes it then")
        }
        let code = ExitStatus.code(for: record)
        if code != ExitStatus.success { throw ExitCode(code) }
    }

    /// Asks on a terminal before rotating a key in a production-like environment.
    private func confirm(_ name: KeyName, _ env: EnvironmentName) throws {
        let context = CommandContext.current
        guard !yes, context.inputIsTerminal, env.rawValue.contains("prod") || env.rawValue.contains("live") else { return }
        context.standardError.write("rotate \(name) in \(env)\(emergency ? " (EMERGENCY: no grace)" : "")? [y/N] ")
        let answer = String(decoding: context.readLine(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard answer == "y" || answer == "yes" else { throw CommandFailure(.failed, "not confirmed; nothing was changed") }
    }

    private func rotateMany(_ coordinator: RotationCoordinator) async throws {
        let context = CommandContext.current
        let chosenAt = context.clock.now()
        let keys = try await selectKeys(coordinator, asOf: chosenAt)
        guard !keys.isEmpty else {
            context.standardOutput.line(overdue ? "no overdue keys" : "no active keys in \(env!)")
            return
        }
        try await RotationTally.rotate(
            keys, chosenAt: chosenAt, with: coordinator, concurrency: concurrency, emergency: emergency, sink: context.standardOutput,
            live: context.outputIsTerminal)
    }

    /// The flags that make `--overdue` rotate a key: every critical flag a rotation clears.
    static let rotatedByOverdue: Set<ReportFlag> = [.overdue, .compromised, .offboarding]

    private func selectKeys(_ coordinator: RotationCoordinator, asOf now: Date) async throws -> [(KeyName, EnvironmentName)] {
        var keys: [(KeyName, EnvironmentName)] = []
        if overdue {
            let policies = coordinator.setup.configuration.policies
            try await coordinator.store.forEachReportCandidate(env: env, policies: policies, asOf: now, includeUnflagged: false) { key in
                let flags = KeyAssessment(key: key, policies: policies, asOf: now).flags
                if flags.contains(where: Self.rotatedByOverdue.contains) { keys.append((key.name, key.env)) }
            }
        } else {
            try await coordinator.store.forEachKey(matching: KeyFilter(env: env)) { key in
                if key.status != .retired { keys.append((key.name, key.env)) }
            }
        }
        return keys
    }
}

/// Counts a batch of rotations as they finish: a line per key, and a progress line on a terminal.
/// The batch exits with the worst outcome of its rotations, as each would alone.
final class RotationTally: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let sink: any OutputSink
    private let errors: any OutputSink
    private let live: Bool
    private var done = 0
    private(set) var failures = 0
    private var skipped = 0
    private var stillAccepted = 0
    private var unconfirmed = 0
    private(set) var worstExitCode: Int32 = ExitStatus.success

    init(total: Int, sink: any OutputSink, errors: any OutputSink, live: Bool) {
        self.total = total
        self.sink = sink
        self.errors = errors
        self.live = live
    }

    func record(_ name: KeyName, _ env: EnvironmentName, _ result: Result<RotationRecord, any Error>) {
        lock.withLock {
            done += 1
            if live { sink.write("\r\u{1B}[K") }
            switch result {
            case .success(let record):
                sink.line("\(name) (\(env)): \(record.state == .done ? "rotated" : "rotated, old secret valid until \(record.graceUntil.map(Timestamp.format) ?? "the end of its grace")")")
                let code = ExitStatus.code(for: record)
                if code != ExitStatus.success {
                    if record.revocation == .accepted { stillAccepted += 1 } else { unconfirmed += 1 }
                    worstExitCode = ExitStatus.worse(worstExitCode, code)
                    errors.line("keyctl: warning: \(RotationProgress.line(record, .recorded(.revocationChecked)))")
                }
            case .failure(let error as KeyStoreError) where error.category == .superseded:
                skipped += 1
                sink.line("\(name) (\(env)): \(error.message)")
            case .failure(let error):
                failures += 1
                let (code, message) = ExitStatus.classify(error)
                worstExitCode = ExitStatus.worse(worstExitCode, code)
                sink.line("\(name) (\(env)): FAILED: \(message ?? "\(error)")")
            }
            if live { sink.write("[\(done)/\(total)] \(failures) failed") }
        }
    }

    /// Rotates `keys` as one batch through `coordinator` (what `rotate --overdue` and `offboard
    /// --rotate` do): a line per key and the summary to `sink`, a progress line when `live`,
    /// warnings to standard error. Throws `ExitCode` with the worst outcome unless every rotation succeeded.
    static func rotate(
        _ keys: [(KeyName, EnvironmentName)], chosenAt: Date, with coordinator: RotationCoordinator, concurrency: Int, emergency: Bool,
        sink: any OutputSink, live: Bool
    ) async throws {
        let tally = RotationTally(total: keys.count, sink: sink, errors: CommandContext.current.standardError, live: live)
        try await coordinator.rotateMany(keys, chosenAt: chosenAt, concurrency: concurrency, emergency: emergency) { name, env, result in
            tally.record(name, env, result)
        }
        tally.finish()
        if tally.worstExitCode != ExitStatus.success { throw ExitCode(tally.worstExitCode) }
    }

    func finish() {
        lock.withLock {
            if live { sink.write("\r\u{1B}[K") }
            var summary = "\(done - failures - skipped) of \(total) rotated, \(failures) failed"
            if skipped > 0 { summary += ", \(skipped) skipped (rotated by another run)" }
            if stillAccepted > 0 { summary += ", \(stillAccepted) with the old secret STILL ACCEPTED" }
            if unconfirmed > 0 { summary += ", \(unconfirmed) with the old secret not confirmed rejected" }
            sink.line(summary + (stillAccepted + unconfirmed > 0 ? " (see stderr)" : ""))
        }
    }
}
