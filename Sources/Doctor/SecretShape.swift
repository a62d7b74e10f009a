import Adapters

/// Tells a string that looks like a secret key from one that does not, offline: well-known
/// prefixes followed by a long random-looking body, and keys in keyctl's local format (their
/// checksum rejects look-alikes). Registered fingerprints are checked by the callers.
enum SecretShape {
    /// A prefix of a secret (never publishable) key, and how many characters at least follow it.
    private struct Prefix {
        let prefix: String
        let name: String
        let minimumBody: Int
    }

    /// Server-side secret keys that must never reach client code: Stripe-style `sk_` and `rk_`.
    private static let secretKeyPrefixes = [
        Prefix(prefix: "sk_", name: "an sk_ secret key", minimumBody: 16),
        Prefix(prefix: "rk_", name: "an rk_ restricted key", minimumBody: 16),
    ]

    /// Other well-known credential formats, for spotting a secret pasted into keyctl.toml.
    private static let credentialPrefixes = secretKeyPrefixes + [
        Prefix(prefix: "ghp_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "gho_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "ghu_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "ghs_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "ghr_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "github_pat_", name: "a GitHub token", minimumBody: 30),
        Prefix(prefix: "glpat-", name: "a GitLab token", minimumBody: 20),
        Prefix(prefix: "xoxb-", name: "a Slack token", minimumBody: 20),
        Prefix(prefix: "xoxp-", name: "a Slack token", minimumBody: 20),
        Prefix(prefix: "xoxa-", name: "a Slack token", minimumBody: 20),
        Prefix(prefix: "AKIA", name: "an AWS access key id", minimumBody: 16),
        Prefix(prefix: "AIza", name: "a Google API key", minimumBody: 35),
    ]

    /// What kind of server-side secret key `token` is (an `sk_`/`rk_` key or a keyctl local-format
    /// key), or nil.
    static func secretKey(_ token: String) -> String? {
        match(token, secretKeyPrefixes) ?? (isLocalFormat(token) ? "a keyctl local-format key" : nil)
    }

    /// What kind of credential `token` looks like (any known format), or nil.
    static func credential(_ token: String) -> String? {
        match(token, credentialPrefixes) ?? (isLocalFormat(token) ? "a keyctl local-format key" : nil)
    }

    /// The pieces of `text` that could each be a whole secret: the text, its blank-separated
    /// words, and the parts of those around `:`, `=`, `,`, `;` and quotes (`Bearer sk_live_...`,
    /// `token=...`). Pieces shorter than 8 characters are left out.
    static func candidates(in text: String) -> [String] {
        var pieces: [String] = [text]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            pieces.append(String(word))
            pieces += word.split(whereSeparator: { ":=,;\"'".contains($0) }).map(String.init)
        }
        var seen: Set<String> = []
        return pieces.filter { $0.count >= 8 && seen.insert($0).inserted }
    }

    private static func match(_ token: String, _ prefixes: [Prefix]) -> String? {
        for prefix in prefixes where token.hasPrefix(prefix.prefix) {
            let body = token.dropFirst(prefix.prefix.count)
            if body.count >= prefix.minimumBody, body.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) {
                return prefix.name
            }
        }
        return nil
    }

    /// A keyctl local-format key: any prefix, then a base62 body whose checksum (over the prefix
    /// and body) matches, so the prefix need not be known. `isWellFormed` checks the length for
    /// each split, so only one split can pass.
    private static func isLocalFormat(_ token: String) -> Bool {
        guard token.utf8.count <= 256 else { return false }
        var prefix = ""
        for character in token.dropLast() {
            prefix.append(character)
            if LocalKeyFormat.isWellFormed(token, prefix: prefix) { return true }
        }
        return false
    }
}
