import Foundation

/// One credential slot in the registry, identified by name and environment.
public struct KeyRecord: Sendable, Equatable {
    public var name: KeyName
    public var env: EnvironmentName
    public var scopes: ScopeSet
    public var owner: String?
    public var description: String?
    public var labels: [String: String]
    public var status: KeyStatus
    public var createdAt: Date
    public var rotatedAt: Date?
    /// The key's own rotation period; nil means the environment's or the default.
    public var maxAge: TimeSpan?
    public var compromisedAt: Date?
    public var compromiseReason: String?
    public var lastVerifiedAt: Date?
    public var lastVerifyOK: Bool?
    /// The fingerprint and hint of the current version, if a secret was ever registered.
    public var fingerprint: Fingerprint?
    public var hint: String?

    /// Where the key's age counts from: its last rotation, or its creation.
    public var ageStart: Date { rotatedAt ?? createdAt }
}
