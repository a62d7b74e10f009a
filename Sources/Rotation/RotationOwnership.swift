import Foundation
import KeyStore

/// Makes this process the owner of the rotations it drives: it begins or claims a rotation, renews
/// the lease while it works, and lets the rotation go when it stops. Another process's `--resume`
/// or `--abort` is refused (exit 75, naming the owner) while the owner runs on this host or, on
/// another host, holds an unexpired lease; once the owner is gone it takes over with a new epoch,
/// and the store refuses every later write of the old owner.
public struct RotationOwnership: Sendable {
    public let ledger: any RotationLedger
    public let processes: any ProcessTable
    /// How long a lease lasts unless renewed; the owner renews it every third of that.
    public let leaseDuration: TimeSpan

    /// One minute: an owner on another host that died is taken over a minute after its last renewal.
    public static let defaultLease = TimeSpan(seconds: 60)

    public init(ledger: any RotationLedger, processes: any ProcessTable = LocalProcessTable(), leaseDuration: TimeSpan = Self.defaultLease) {
        self.ledger = ledger
        self.processes = processes
        self.leaseDuration = leaseDuration
    }

    /// Begins a rotation owned by this process. Throws `busy` naming a rotation in flight, and
    /// `superseded` when the key's rotation began at or after `unlessBegunSince`.
    public func begin(
        _ name: KeyName, _ env: EnvironmentName, plan: RotationPlan, unlessBegunSince: Date? = nil, actor: String
    ) async throws -> RotationRecord {
        try await ledger.beginRotation(
            name: name, env: env, plan: plan, owner: processes.currentProcess, lease: leaseDuration,
            unlessBegunSince: unlessBegunSince, actor: actor)
    }

    /// Takes `record` for this process. Throws `busy`, naming the owner, while the owner runs.
    public func claim(_ record: RotationRecord, actor: String) async throws -> RotationRecord {
        var deadOwnerEpoch: Int?
        if let owner = record.owner, owner != processes.currentProcess {
            switch processes.isRunning(owner) {
            case true?: throw KeyStoreError.rotationOwned(record)
            case false?: deadOwnerEpoch = record.ownerEpoch
            case nil: break  // another host: the store compares its lease with the store's clock
            }
        }
        return try await ledger.claimRotation(
            record.id, for: processes.currentProcess, deadOwnerEpoch: deadOwnerEpoch, lease: leaseDuration, actor: actor)
    }

    /// Runs `work` while renewing `lease`, then lets the rotation go, however `work` ends (unless
    /// the rotation it returns has no owner: the store let it go when it ended).
    public func holding(_ lease: RotationLease, _ work: () async throws -> RotationRecord) async throws -> RotationRecord {
        let renewal = Task { [ledger, leaseDuration] in
            let interval = max(1, leaseDuration.seconds / 3)
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                if Task.isCancelled { return }
                // A failed renewal (the registry busy, or the lease taken over) is tried again at
                // the next tick; once taken over, the store refuses this process's writes anyway.
                try? await ledger.renewLease(lease, for: leaseDuration)
            }
        }
        defer { renewal.cancel() }
        do {
            let result = try await work()
            renewal.cancel()
            if result.owner != nil { try? await ledger.releaseLease(lease) }
            return result
        } catch {
            renewal.cancel()
            try? await ledger.releaseLease(lease)
            throw error
        }
    }
}
