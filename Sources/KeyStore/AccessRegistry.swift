import Foundation

/// Who can read which key's secret, and what happens when one of them leaves.
///
/// Contract, for every implementation:
/// - Each change is one transaction together with its audit event(s): `access.grant` for a grant,
///   `access.revoke` for each grant revoked, `key.offboarding` for each key an offboarding flags.
///   Either everything of one call is written or nothing is.
/// - Grants are history: revoking stamps the grant (when, by whom, why) and keeps it.
/// - A key's latest offboarding is read back as `KeyRecord.offboardedAt`, from which
///   `KeyAssessment` decides the `offboarding` flag; rotating the key clears it.
/// - Errors are `KeyStoreError`s: `notFound` for a key, or a grant to revoke, that does not exist;
///   `conflict` for a grant already in force or a grant on a retired key; `busy` as elsewhere.
public protocol AccessRegistry: Sendable {
    /// Records that `principal` may read `key`'s secret. Throws `notFound` for an unknown key,
    /// `conflict` when the principal already has a grant in force on it or the key is retired.
    func grantAccess(to principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant

    /// Revokes the grant in force of `principal` on `key`, keeping it as history. Throws
    /// `notFound` for an unknown key, or when the principal has no grant in force on it.
    func revokeAccess(of principal: Principal, on key: KeyReference, reason: String?, actor: String) async throws -> AccessGrant

    /// The grants matching `filter`, ordered by environment, key name, principal, then grant date.
    /// Throws `notFound` when `filter` names a key that does not exist.
    func accessGrants(matching filter: AccessFilter) async throws -> [AccessGrant]

    /// Offboards `principal`, in one transaction: revokes each of its grants in force, and flags
    /// every non-retired key it could read with an offboarding record. A key it could read is one
    /// it holds a grant on, one whose grant was revoked after the key's last rotation (it may
    /// still know the current secret), and each of `configuredKeys` (keyctl.toml names it a
    /// reader). Throws `notFound` when a configured key does not exist, or when the principal
    /// could read no key at all and holds no grant (nothing is recorded: check the spelling).
    func offboard(_ principal: Principal, reason: String, configuredKeys: Set<KeyReference>, actor: String) async throws -> Offboarding
}
