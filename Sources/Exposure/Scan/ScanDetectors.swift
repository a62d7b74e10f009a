import Foundation

/// Everything a scan looks for: keyctl's local keys, the built-in formats, and the rules and
/// allowlists of a gitleaks config. Shared by the scanning threads, each of which makes its own
/// `FragmentScanner` from it.
public struct ScanDetectors: Sendable {
    let tokens: TokenScanner
    let rules: GitleaksRuleSet

    /// The default prefix of keyctl's `local` issuer, always looked for.
    public static let defaultLocalPrefix = "sk_"

    /// Detectors for local keys with `localPrefixes` (and the default `sk_`), the built-in
    /// formats, and `rules`.
    public init(localPrefixes: [String], rules: GitleaksRuleSet? = nil) {
        tokens = TokenScanner(localPrefixes: localPrefixes + [Self.defaultLocalPrefix])
        self.rules = rules ?? GitleaksRuleSet()
    }

    /// What kind of credential the first local key or built-in format in `text` is (its title),
    /// or nil: for checks that ask whether one value holds a secret.
    public func credential(in text: String) -> String? {
        var title: String?
        Array(text.utf8).withUnsafeBufferPointer { bytes in
            tokens.scan(bytes) { hit in title = title ?? hit.title }
        }
        return title
    }

    /// Every rule findings can be reported under: id and a short description.
    public var catalog: [(id: String, title: String)] {
        tokens.rules + rules.rules.map { ($0.id, $0.description ?? "gitleaks rule \($0.id)") }
    }
}
