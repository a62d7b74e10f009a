import Foundation
import KeyStore
import KeyctlConfig
import Rotation
import RotationCoordination

extension GlobalOptions {
    /// The coordinator for rotation commands: registry, keyctl.toml's adapters, the custody key,
    /// fault injection from `KEYCTL_FAULT`, and progress lines through `observe`.
    func rotationCoordinator(observe: @escaping @Sendable (RotationRecord, RotationMilestone) -> Void) async throws -> RotationCoordinator {
        let context = CommandContext.current
        let configuration = try loadConfiguration()
        return RotationCoordinator(
            store: try await openRegistry(),
            setup: RotationSetup(configuration: configuration, environment: context.environment, clock: context.clock),
            faults: try FaultInjection(environment: context.environment),
            retry: RetryPolicy(attempts: retryAttempts),
            actor: resolvedActor,
            leaseDuration: try rotationLease,
            observe: observe)
    }

    /// How long this process's hold on a rotation lasts between renewals: `KEYCTL_ROTATION_LEASE`,
    /// whole seconds from 3 to 3600, else 60. Another machine takes over a rotation whose owner died
    /// this long after the owner's last renewal (on this machine, as soon as the owner is gone).
    private var rotationLease: TimeSpan {
        get throws {
            guard let text = CommandContext.current.environment["KEYCTL_ROTATION_LEASE"] else { return RotationOwnership.defaultLease }
            guard !text.contains("."), let seconds = ArgumentParsing.seconds(text, in: 3...3_600) else {
                throw CommandFailure(.usage, "invalid KEYCTL_ROTATION_LEASE '\(text)': give whole seconds from 3 to 3600, such as 60")
            }
            return TimeSpan(seconds: Int64(seconds))
        }
    }

    /// Attempts per adapter call: `KEYCTL_RETRIES`, else 4.
    private var retryAttempts: Int {
        CommandContext.current.environment["KEYCTL_RETRIES"].flatMap(Int.init) ?? 4
    }
}

/// One line per rotation step, for terminals and logs alike.
enum RotationProgress {
    /// Prints the milestone's line: to `errors` when it is a warning (the old secret still
    /// accepted, or not confirmed rejected), to `output` otherwise.
    static func print(_ record: RotationRecord, _ milestone: RotationMilestone, output: any OutputSink, errors: any OutputSink) {
        let warning = milestone == .recorded(.revocationChecked) && (record.revocation == .accepted || record.revocation == .unconfirmed)
        (warning ? errors : output).line(line(record, milestone))
    }

    static func line(_ record: RotationRecord, _ milestone: RotationMilestone) -> String {
        let what: String = switch milestone {
        case .began: "rotation \(record.id) started"
        case .alreadyDone: "rotation \(record.id) had already completed; nothing to resume"
        case .restored(let target): "restored \(target)"
        case .recorded(.created): "created the new credential"
        case .recorded(.snapshotTaken(let index)): "saved the current value of \(record.target(at: index))"
        case .recorded(.deployed(let index)): "deployed to \(record.target(at: index))"
        case .recorded(.verified): record.verifier.map { "verified with \($0)" } ?? "no verifier configured: not verified"
        case .recorded(.deleted): "deleted the old credential"
        case .recorded(.revocationChecked):
            switch record.revocation {
            case .accepted?: "WARNING: the old secret is STILL ACCEPTED after delete; revoke it at the provider now"
            case .unconfirmed?: "WARNING: could not confirm the old secret is rejected: the verifier could not be reached; check it by hand"
            case .rejected?: "confirmed the old secret is rejected"
            case nil: "could not check the old secret (no earlier value was readable)"
            }
        case .recorded(.finished): "done"
        }
        return "\(record.keyName) (\(record.env)): \(what)"
    }
}
