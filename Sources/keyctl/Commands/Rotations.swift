import ArgumentParser
import Foundation
import KeyStore

struct Rotations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotations",
        abstract: "List rotations, or finish those whose grace period has passed.",
        subcommands: [RotationsList.self, RotationsFinish.self],
        defaultSubcommand: RotationsList.self)
}

struct RotationsList: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List rotations, newest first.")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Only rotations in flight (not done or aborted).") var active = false
    @OptionGroup var format: FormatOptions

    func run() async throws {
        let context = CommandContext.current
        let rotations = try await global.openRegistry().rotations(inFlightOnly: active)
        switch format.resolved() {
        case .json, .prometheus:
            var writer = JSONWriter(sink: context.standardOutput)
            writer.beginObject()
            writer.key("rotations")
            writer.beginArray()
            for rotation in rotations { writer.rotation(rotation) }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var table = TextTable("ROTATION", "KEY", "ENV", "STATE", "STARTED", "GRACE UNTIL", "BY", "DRIVEN BY")
            for rotation in rotations {
                let state = rotation.state == .failed ? "failed at \(rotation.failedStep?.rawValue ?? "?")" : rotation.state.rawValue
                table.add([
                    String(rotation.id.prefix(8)), rotation.keyName.rawValue, rotation.env.rawValue, state,
                    Timestamp.format(rotation.startedAt), rotation.graceUntil.map(Timestamp.format) ?? "-", rotation.actor,
                    rotation.owner?.description ?? "-",
                ])
            }
            context.standardOutput.write(table.isEmpty ? "no rotations\n" : table.render())
        }
    }
}

struct RotationsFinish: AsyncParsableCommand, RegistryCommand {
    static let configuration = CommandConfiguration(
        commandName: "finish",
        abstract: "Complete every rotation whose grace period has passed: delete the old credentials (for cron).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = CommandContext.current
        let output = context.standardOutput
        let errors = context.standardError
        let coordinator = try await global.rotationCoordinator { record, step in
            RotationProgress.print(record, step, output: output, errors: errors)
        }
        var worst = ExitStatus.success
        for (record, outcome) in try await coordinator.finishDue(now: context.clock.now()) {
            switch outcome {
            case .success(let finished):
                worst = ExitStatus.worse(worst, ExitStatus.code(for: finished))
            case .failure(let error):
                let (code, message) = ExitStatus.classify(error)
                worst = ExitStatus.worse(worst, code)
                errors.line("keyctl: error: \(record.keyName) (\(record.env)): \(message ?? "\(error)")")
            }
        }
        if worst != ExitStatus.success { throw ExitCode(worst) }
    }
}

extension JSONWriter {
    mutating func rotation(_ rotation: RotationRecord) {
        beginObject()
        key("id"); string(rotation.id)
        key("name"); string(rotation.keyName.rawValue)
        key("env"); string(rotation.env.rawValue)
        key("state"); string(rotation.state.rawValue)
        key("failed_step"); string(rotation.failedStep?.rawValue)
        key("failure"); string(rotation.failure)
        key("emergency"); bool(rotation.emergency)
        key("grace_seconds"); integer(rotation.grace.seconds)
        key("grace_until"); timestamp(epochSeconds: rotation.graceUntil.map(Timestamp.epochSeconds))
        key("issuer"); string(rotation.issuer)
        key("targets"); stringArray(commaSeparated: rotation.targets.joined(separator: ","))
        key("verifier"); string(rotation.verifier)
        key("old_secret_still_valid"); bool(rotation.revocation.map { $0 == .accepted })
        key("revocation"); string(rotation.revocation?.rawValue)
        key("owner"); string(rotation.owner?.description)
        key("owner_epoch"); integer(Int64(rotation.ownerEpoch))
        key("lease_until"); timestamp(epochSeconds: rotation.leaseUntil.map(Timestamp.epochSeconds))
        key("actor"); string(rotation.actor)
        key("started_at"); timestamp(epochSeconds: Timestamp.epochSeconds(rotation.startedAt))
        key("finished_at"); timestamp(epochSeconds: rotation.finishedAt.map(Timestamp.epochSeconds))
        endObject()
    }
}
