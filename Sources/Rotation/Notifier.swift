/// Tells someone about rotation events (a signed webhook). Best effort: a notifier that fails
/// never fails the rotation, it is reported instead.
public protocol Notifier: Sendable {
    var name: String { get }
    func notify(_ event: RotationNotice) async throws
}

/// One event worth telling: `rotation.done`, `rotation.failed`, `rotation.old_secret_still_valid`...
public struct RotationNotice: Sendable, Equatable, Codable {
    public var event: String
    public var key: String
    public var env: String
    public var rotation: String
    public var at: String
    public var detail: String?

    public init(event: String, key: String, env: String, rotation: String, at: String, detail: String? = nil) {
        self.event = event
        self.key = key
        self.env = env
        self.rotation = rotation
        self.at = at
        self.detail = detail
    }
}
