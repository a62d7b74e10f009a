/// The answer to "whose secret is this?": the key and the version it belongs to.
public struct IdentifiedSecret: Sendable {
    public var key: KeyRecord
    public var version: KeyVersion

    public init(key: KeyRecord, version: KeyVersion) {
        self.key = key
        self.version = version
    }
}
