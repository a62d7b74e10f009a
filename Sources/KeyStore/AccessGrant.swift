import Foundation

/// A record that `principal` may read the secret of one key, kept after it is revoked.
public struct AccessGrant: Sendable, Equatable {
    public var id: String
    public var keyName: KeyName
    public var keyEnv: EnvironmentName
    public var principal: Principal
    public var grantedAt: Date
    public var grantedBy: String
    public var reason: String?
    /// nil while the grant is in force.
    public var revokedAt: Date?
    public var revokedBy: String?
    public var revokeReason: String?

    /// Whether the grant is in force (not revoked).
    public var isActive: Bool { revokedAt == nil }

    public init(id: String, keyName: KeyName, keyEnv: EnvironmentName, principal: Principal, grantedAt: Date, grantedBy: String, reason: String?, revokedAt: Date?, revokedBy: String?, revokeReason: String?) {
        self.id = id
        self.keyName = keyName
        self.keyEnv = keyEnv
        self.principal = principal
        self.grantedAt = grantedAt
        self.grantedBy = grantedBy
        self.reason = reason
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
        self.revokeReason = revokeReason
    }
}

/// Which grants `accessGrants(matching:)` returns; nil matches everything.
public struct AccessFilter: Sendable, Equatable {
    public var key: KeyReference?
    public var principal: Principal?
    /// Also the grants that were revoked (the history).
    public var includeRevoked: Bool

    public init(key: KeyReference? = nil, principal: Principal? = nil, includeRevoked: Bool = false) {
        self.key = key
        self.principal = principal
        self.includeRevoked = includeRevoked
    }
}

/// A key by its name and environment.
public struct KeyReference: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: KeyName
    public var env: EnvironmentName

    public init(_ name: KeyName, _ env: EnvironmentName) {
        self.name = name
        self.env = env
    }

    public var description: String { "\(name) (\(env))" }

    /// Ordered by environment, then name, as `list` orders keys.
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.env, lhs.name) < (rhs.env, rhs.name) }
}
