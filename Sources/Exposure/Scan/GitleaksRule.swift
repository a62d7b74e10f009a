/// One `[[rules]]` table of a gitleaks v8 config that keyctl can run: a regular expression, the
/// group that holds the secret, a minimum entropy, keywords that must occur before the expression
/// is tried, a path expression, and the rule's allowlists.
struct GitleaksRule: Sendable {
    var id: String
    var description: String?
    /// Go syntax, as written; compiled with `GoRegex`.
    var regex: String
    /// The capture group holding the secret; 0 means the first group that matched, else the whole match.
    var secretGroup = 0
    /// The minimum Shannon entropy (bits per character) of the secret; nil checks none.
    var entropy: Double?
    /// Lowercased; when some are given, the rule runs only on text holding one of them.
    var keywords: [String] = []
    /// Only files whose path this expression matches.
    var path: String?
    var allowlists: [GitleaksAllowlist] = []
}
