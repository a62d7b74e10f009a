import Foundation

/// One recorded state change: who did what to which key, when, and how it chains to the one before.
///
/// `details` never holds a secret: fingerprints, hints, reasons and field names only.
public struct AuditEvent: Sendable, Equatable {
    /// Position in the chain, from 1.
    public var seq: Int64
    public var id: String
    public var at: Date
    public var actor: String
    public var action: String
    public var keyName: String?
    public var keyEnv: String?
    /// A JSON object, stored and hashed exactly as written.
    public var details: String
    public var prevHash: String
    public var hash: String

    public init(seq: Int64, id: String, at: Date, actor: String, action: String, keyName: String?, keyEnv: String?, details: String, prevHash: String, hash: String) {
        self.seq = seq
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.keyName = keyName
        self.keyEnv = keyEnv
        self.details = details
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// Which events `audit` lists.
public struct AuditFilter: Sendable, Equatable {
    public var since: Date?
    public var key: (name: KeyName, env: EnvironmentName)?

    public init(since: Date? = nil, key: (name: KeyName, env: EnvironmentName)? = nil) {
        self.since = since
        self.key = key
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.since == rhs.since && lhs.key?.name == rhs.key?.name && lhs.key?.env == rhs.key?.env
    }
}

/// The outcome of `audit verify`.
public enum AuditChainVerdict: Sendable, Equatable {
    /// Every event hashes to what it stores and links to the one before it.
    case intact(events: Int64, headHash: String)
    /// The first event that does not: `seq` is its position, `reason` what is wrong.
    case broken(seq: Int64, eventID: String, reason: String)
}
