import Foundation

/// The fields `update` changes; nil leaves a field as it is.
public struct KeyChanges: Sendable, Equatable {
    public var scopes: ScopeSet?
    public var owner: String?
    public var description: String?
    public var setLabels: [String: String]
    public var removeLabels: [String]
    public var maxAge: TimeSpan?
    /// Drops the key's own rotation period so the environment's or the default applies.
    public var clearMaxAge: Bool
    public var rotatedAt: Date?

    public init(
        scopes: ScopeSet? = nil, owner: String? = nil, description: String? = nil, setLabels: [String: String] = [:],
        removeLabels: [String] = [], maxAge: TimeSpan? = nil, clearMaxAge: Bool = false, rotatedAt: Date? = nil
    ) {
        self.scopes = scopes
        self.owner = owner
        self.description = description
        self.setLabels = setLabels
        self.removeLabels = removeLabels
        self.maxAge = maxAge
        self.clearMaxAge = clearMaxAge
        self.rotatedAt = rotatedAt
    }

    /// True when applying these changes would change nothing.
    public var isEmpty: Bool {
        scopes == nil && owner == nil && description == nil && setLabels.isEmpty && removeLabels.isEmpty
            && maxAge == nil && !clearMaxAge && rotatedAt == nil
    }
}
