import ArgumentParser
import Foundation
import KeyStore

/// Signs a checkpoint after every command that appended audit events, when a checkpoint file is
/// configured (`KEYCTL_AUDIT_CHECKPOINTS`): it reads the chain head before the command and again
/// after, and checkpoints when they differ, whatever the command's outcome (a failed rotation
/// still records events).
///
/// A checkpoint that cannot be written is reported on stderr and turns success into exit 1: the
/// change was made, but nothing outside the registry vouches for it yet.
struct AuditCheckpointHook {
    private let global: GlobalOptions?
    private let before: AuditHead?

    /// Reads the head before `command` runs; does nothing without a checkpoint file or for a
    /// command that takes no registry.
    init(command: any ParsableCommand, context: CommandContext) async {
        let configured = AuditAnchorSettings(environment: context.environment).checkpointFile != nil
        global = configured ? (command as? any RegistryCommand)?.global : nil
        before = try? await global?.openRegistry().auditHead()
    }

    /// Checkpoints when the head moved; returns the exit code to use.
    func finish(_ code: Int32) async -> Int32 {
        guard let global, let registry = try? await global.openRegistry(),
              let after = try? await registry.auditHead(), after != before, after.events > 0
        else { return code }
        let context = CommandContext.current
        let settings = AuditAnchorSettings(environment: context.environment)
        do {
            guard let anchor = AuditAnchor(settings),
                  let key = try AuditSigningKey.load(environment: context.environment, keyFile: settings.signingKeyFile, create: true)
            else { return code }
            _ = try await anchor.checkpoint(of: registry, key: key, at: context.clock.now(), onlyIfChanged: true)
            return code
        } catch {
            let reason = ExitStatus.classify(error).message ?? "\(error)"
            context.standardError.line("keyctl: error: the audit checkpoint was not written: \(reason); once fixed, run `keyctl audit checkpoint`")
            return code == ExitStatus.success ? ExitStatus.failure : code
        }
    }
}
