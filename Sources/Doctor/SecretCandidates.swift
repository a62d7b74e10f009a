/// The pieces of a configuration value that could each be a whole secret, for looking them up in
/// the registry by fingerprint: the value, its blank-separated words, and the parts of those
/// around `:`, `=`, `,`, `;` and quotes (`Bearer sk_live_...`, `token=...`). Pieces shorter than
/// 8 characters are left out.
enum SecretCandidates {
    static func pieces(in text: String) -> [String] {
        var pieces: [String] = [text]
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            pieces.append(String(word))
            pieces += word.split(whereSeparator: { ":=,;\"'".contains($0) }).map(String.init)
        }
        var seen: Set<String> = []
        return pieces.filter { $0.count >= 8 && seen.insert($0).inserted }
    }
}
