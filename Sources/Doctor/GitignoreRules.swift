import Foundation

/// The ignore patterns that apply to files directly in one folder: `.gitignore` files from the
/// repository's root (the nearest folder above with a `.git`) down to the folder, and
/// `.git/info/exclude`. Last match wins, as in git; `!` re-includes.
///
/// A simplified reading, enough to ask "is `.env` ignored here?": patterns without a slash match
/// the file name anywhere; patterns with one are anchored to their `.gitignore`'s folder; patterns
/// ending in `/` (folders only) are skipped. The user's global excludes are not read: a rule only
/// there does not protect the next clone.
struct GitignoreRules {
    private struct Rule {
        let pattern: String
        let negated: Bool
        /// The folder the pattern is relative to, when it is anchored.
        let base: String?
    }

    private var rules: [Rule] = []
    private let folder: String

    /// The rules that apply in `folder`.
    init(folder: String) {
        self.folder = (folder as NSString).standardizingPath
        var chain: [String] = [self.folder]
        var current = self.folder
        while !FileManager.default.fileExists(atPath: (current as NSString).appendingPathComponent(".git")) {
            let parent = (current as NSString).deletingLastPathComponent
            guard parent != current, !parent.isEmpty else {
                chain = [self.folder]
                break
            }
            current = parent
            chain.insert(current, at: 0)
        }
        if FileManager.default.fileExists(atPath: (current as NSString).appendingPathComponent(".git")) {
            load((current as NSString).appendingPathComponent(".git/info/exclude"), base: current)
        }
        for directory in chain { load((directory as NSString).appendingPathComponent(".gitignore"), base: directory) }
    }

    /// Whether a file called `name` directly in the folder is ignored.
    func ignores(_ name: String) -> Bool {
        var ignored = false
        for rule in rules where matches(rule, name) { ignored = !rule.negated }
        return ignored
    }

    private func matches(_ rule: Rule, _ name: String) -> Bool {
        guard let base = rule.base else { return fnmatch(rule.pattern, name, 0) == 0 }
        let relative = String((folder as NSString).appendingPathComponent(name).dropFirst(base.count)).drop { $0 == "/" }
        return fnmatch(rule.pattern, String(relative), FNM_PATHNAME) == 0
    }

    private mutating func load(_ path: String, base: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else { return }
        for raw in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
            var line = String(raw).trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            let negated = line.hasPrefix("!")
            if negated { line.removeFirst() }
            guard !line.hasSuffix("/") else { continue }
            if line.hasPrefix("**/") { line.removeFirst(3) }
            if line.contains("/") {
                rules.append(Rule(pattern: line.hasPrefix("/") ? String(line.dropFirst()) : line, negated: negated, base: base))
            } else {
                rules.append(Rule(pattern: line, negated: negated, base: nil))
            }
        }
    }
}
