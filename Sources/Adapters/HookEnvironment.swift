/// The environment an exec adapter's program starts with: an allowlist, not keyctl's whole
/// environment, which may hold `VAULT_TOKEN`, `AWS_SECRET_ACCESS_KEY` or `KEYCTL_MASTER_KEY`.
///
/// From keyctl's environment, only `standard` (PATH, HOME, USER, LOGNAME, LANG, LC_ALL, TZ,
/// TMPDIR) and the names the adapter's `env` setting passes through, never a `KEYCTL_*` one; then
/// the `KEYCTL_*` variables the adapter sets for the call (`KEYCTL_ACTION`, `KEYCTL_SECRET`…).
public enum HookEnvironment {
    /// What every program gets from keyctl's environment, when set.
    public static let standard: Set<String> = ["PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"]

    /// The program's environment: the allowed variables of `inherited`, then `extra`.
    static func build(inheriting inherited: [String: String], passThrough: [String], extra: [String: String]) -> [String: String] {
        let allowed = standard.union(passThrough)
        return inherited.filter { allowed.contains($0.key) && !$0.key.hasPrefix("KEYCTL_") }.merging(extra) { $1 }
    }

    /// Whether `name` can be passed through: letters, digits and `_`, not starting with a digit,
    /// and not `KEYCTL_*` (keyctl sets those itself).
    public static func canPassThrough(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.hasPrefix("KEYCTL_") else { return false }
        let isWordCharacter = { (scalar: Unicode.Scalar) in scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_") }
        return !("0"..."9").contains(first) && name.unicodeScalars.allSatisfy(isWordCharacter)
    }
}
