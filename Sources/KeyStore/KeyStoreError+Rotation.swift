import Foundation

extension KeyStoreError {
    /// The key is held by `rotation`: exit 75, naming it, its owner if a process drives it, and
    /// what to do. `--resume` and `--abort` are advised only once its owner has been checked.
    public static func rotationInFlight(_ rotation: RotationRecord) -> Self {
        let command = "keyctl rotate \(rotation.keyName) --env \(rotation.env)"
        let held = "key '\(rotation.keyName)' in '\(rotation.env)' is locked by rotation \(rotation.id) (\(rotation.state.rawValue), started \(Timestamp.format(rotation.startedAt)) by \(rotation.actor))"
        guard let owner = rotation.owner else {
            return .init(.busy, "\(held); no process is driving it: resume it with `\(command) --resume` or roll it back with --abort")
        }
        return .init(.busy, "\(held); it is driven by \(ownerLine(owner, rotation)) \(whileItRuns(command))")
    }

    /// Another process drives `rotation`: exit 75, naming it.
    public static func rotationOwned(_ rotation: RotationRecord) -> Self {
        let command = "keyctl rotate \(rotation.keyName) --env \(rotation.env)"
        return .init(
            .busy,
            "rotation \(rotation.id) of \(rotation.keyName) (\(rotation.env)) is driven by \(rotation.owner.map { ownerLine($0, rotation) } ?? "another process") \(whileItRuns(command))")
    }

    /// Another run began `rotation` after a batch chose the key: the batch leaves the key alone.
    public static func rotatedMeanwhile(_ rotation: RotationRecord) -> Self {
        .init(
            .superseded,
            "skipped: another run began rotation \(rotation.id) of this key (\(rotation.state.rawValue), by \(rotation.actor)) after this batch chose it; see `keyctl rotations`")
    }

    /// This process's lease on `rotation` was taken over: it must stop without writing.
    public static func leaseLost(_ rotation: RotationRecord) -> Self {
        .init(
            .busy,
            "rotation \(rotation.id) of \(rotation.keyName) (\(rotation.env)) was taken over by \(rotation.owner.map(\.description) ?? "another process") (epoch \(rotation.ownerEpoch)) while this process was not renewing its lease; this process stopped without writing. See `keyctl rotations --active`")
    }

    private static func ownerLine(_ owner: RotationOwner, _ rotation: RotationRecord) -> String {
        "\(owner)\(rotation.leaseUntil.map { " (lease until \(Timestamp.format($0)))" } ?? "")"
    }

    private static func whileItRuns(_ command: String) -> String {
        "which is still running or whose lease has not expired. Check that process first: wait for it to finish, or stop it; `\(command) --resume` or `--abort` work only once it has ended (on another host: once its lease has expired)"
    }
}
