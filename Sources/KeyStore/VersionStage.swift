/// Where one generation of a key's secret stands.
public enum VersionStage: String, Sendable, CaseIterable, Codable {
    /// Created by a rotation, not yet deployed everywhere.
    case pending
    /// The secret applications use now; at most one per key.
    case current
    /// The one before, still valid during a rotation's grace period.
    case previous
    /// Deleted at its issuer, or known to be exposed.
    case revoked
}
