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
    /// When someone who could read the key was last offboarded (`keyctl offboard`), if ever.
    public var offboardedAt: Date?

    public init(
        name: KeyName, env: EnvironmentName, scopes: ScopeSet, owner: String? = nil, description: String? = nil,
        labels: [String: String] = [:], status: KeyStatus = .active, createdAt: Date, rotatedAt: Date? = nil,
        maxAge: TimeSpan? = nil, compromisedAt: Date? = nil, compromiseReason: String? = nil, lastVerifiedAt: Date? = nil,
        lastVerifyOK: Bool? = nil, fingerprint: Fingerprint? = nil, hint: String? = nil,
        offboardedAt: Date? = nil
    ) {
        self.name = name
        self.env = env
        self.scopes = scopes
        self.owner = owner
        self.description = description
        self.labels = labels
        self.status = status
        self.createdAt = createdAt
        self.rotatedAt = rotatedAt
        self.maxAge = maxAge
        self.compromisedAt = compromisedAt
        self.compromiseReason = compromiseReason
        self.lastVerifiedAt = lastVerifiedAt
        self.lastVerifyOK = lastVerifyOK
        self.fingerprint = fingerprint
        self.hint = hint
        self.offboardedAt = offboardedAt
    }

    /// Where the key's age counts from: its last rotation, or its creation.
    public var ageStart: Date { rotatedAt ?? createdAt }
}
