import Foundation

/// What `add` and `import` register: a key's inventory data, with shapes already checked.
public struct KeyDraft: Sendable, Equatable {
    public var name: KeyName
    public var env: EnvironmentName
    public var scopes: ScopeSet
    public var owner: String?
    public var description: String?
    public var labels: [String: String]
    /// When the key was created; nil means now.
    public var createdAt: Date?
    public var rotatedAt: Date?
    public var maxAge: TimeSpan?
    /// The issuer's own id for the key's secret (an AWS access key id), so that a rotation can
    /// delete it there; used only when a secret is registered with the draft.
    public var issuerRef: String?

    public init(
        name: KeyName, env: EnvironmentName, scopes: ScopeSet, owner: String? = nil, description: String? = nil,
        labels: [String: String] = [:], createdAt: Date? = nil, rotatedAt: Date? = nil, maxAge: TimeSpan? = nil,
        issuerRef: String? = nil
    ) {
        self.name = name
        self.env = env
        self.scopes = scopes
        self.owner = owner
        self.description = description
        self.labels = labels
        self.createdAt = createdAt
        self.rotatedAt = rotatedAt
        self.maxAge = maxAge
        self.issuerRef = issuerRef
    }
}
