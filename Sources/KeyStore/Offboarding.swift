import Foundation

/// Why a principal could read a key: a grant in the registry, a `readers` entry in keyctl.toml, or both.
public enum AccessSource: String, Sendable, CaseIterable {
    case registry
    case config
    case both = "registry+config"

    /// This source together with `other`.
    public func combined(with other: AccessSource) -> AccessSource { self == other ? self : .both }
}

/// What `offboard` did: the grants it revoked and the keys it flagged, all at one instant.
public struct Offboarding: Sendable, Equatable {
    public struct FlaggedKey: Sendable, Equatable {
        public var key: KeyReference
        public var source: AccessSource

        public init(key: KeyReference, source: AccessSource) {
            self.key = key
            self.source = source
        }
    }

    public var principal: Principal
    public var at: Date
    /// The grants that were in force, now revoked.
    public var revoked: [AccessGrant]
    /// Every key the principal could read, ordered by environment then name; `report` flags each
    /// `offboarding` until it is rotated.
    public var flagged: [FlaggedKey]

    public init(principal: Principal, at: Date, revoked: [AccessGrant], flagged: [FlaggedKey]) {
        self.principal = principal
        self.at = at
        self.revoked = revoked
        self.flagged = flagged
    }
}
