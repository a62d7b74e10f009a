import Foundation

/// One generation of a key's secret: its fingerprint, never the secret.
public struct KeyVersion: Sendable, Equatable {
    public var id: String
    public var fingerprint: Fingerprint
    public var hint: String
    public var issuerRef: String?
    public var stage: VersionStage
    public var createdAt: Date
    public var revokedAt: Date?

    public init(id: String, fingerprint: Fingerprint, hint: String, issuerRef: String?, stage: VersionStage, createdAt: Date, revokedAt: Date?) {
        self.id = id
        self.fingerprint = fingerprint
        self.hint = hint
        self.issuerRef = issuerRef
        self.stage = stage
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}
