/// Everything `show` prints about one key.
public struct KeyDetail: Sendable {
    public var key: KeyRecord
    /// Newest first.
    public var versions: [KeyVersion]
    /// The latest events about this key, newest first.
    public var recentEvents: [AuditEvent]

    public init(key: KeyRecord, versions: [KeyVersion], recentEvents: [AuditEvent]) {
        self.key = key
        self.versions = versions
        self.recentEvents = recentEvents
    }
}
