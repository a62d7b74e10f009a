/// What creating a registry did: `keyctl init` says which.
public enum RegistryPreparation: Sendable, Equatable {
    case created
    /// Schema migrations applied to an existing registry, by identifier.
    case migrated([String])
    case upToDate
}
