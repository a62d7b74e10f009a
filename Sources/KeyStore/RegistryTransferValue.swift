/// One column's value in a row copied between stores by `keyctl migrate`: exactly what the store
/// holds, with no interpretation, so that a copied row (and the audit chain's hashes over it) is the
/// same in every store.
public enum RegistryTransferValue: Sendable, Equatable {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}
