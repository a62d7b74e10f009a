import Foundation

/// One `[[rules.allowlists]]` or global `[[allowlists]]` (`[allowlist]`) table of a gitleaks
/// config: findings it matches are not secrets.
///
/// With `condition = "OR"` (the default) any one criterion that is given (a commit, a path, a
/// regex on the `regexTarget`, a stopword in the secret) allows the finding; with `"AND"` every
/// criterion that is given must match.
struct GitleaksAllowlist: Sendable {
    enum Target: String, Sendable {
        case secret, match, line
    }

    var conjunctive = false
    var target = Target.secret
    var regexes: [String] = []
    var paths: [String] = []
    /// Lowercased; a stopword anywhere in the lowercased secret allows it.
    var stopwords: [String] = []
    var commits: Set<String> = []
    /// For global allowlists: the rules it applies to; empty means every rule.
    var targetRules: [String] = []

    func applies(to rule: String) -> Bool { targetRules.isEmpty || targetRules.contains(rule) }
}

/// What an allowlist looks at for one finding.
struct AllowlistSubject {
    var secret: String
    var match: String
    var line: String
    var path: String
    var commit: String?
}

/// An allowlist with its patterns compiled, owned by one scanning thread.
struct CompiledAllowlist {
    let source: GitleaksAllowlist
    let regexes: [NSRegularExpression]
    let paths: [NSRegularExpression]

    init(_ source: GitleaksAllowlist) {
        self.source = source
        regexes = source.regexes.compactMap { try? GoRegex.compile($0).get() }
        paths = source.paths.compactMap { try? GoRegex.compile($0).get() }
    }

    func allows(_ subject: AllowlistSubject) -> Bool {
        var outcomes: [Bool] = []
        if !source.commits.isEmpty { outcomes.append(subject.commit.map(source.commits.contains) ?? false) }
        if !paths.isEmpty { outcomes.append(paths.contains { $0.occurs(in: subject.path) }) }
        if !regexes.isEmpty {
            let target: String
            switch source.target {
            case .secret: target = subject.secret
            case .match: target = subject.match
            case .line: target = subject.line
            }
            outcomes.append(regexes.contains { $0.occurs(in: target) })
        }
        if !source.stopwords.isEmpty {
            let secret = subject.secret.lowercased()
            outcomes.append(source.stopwords.contains { secret.contains($0) })
        }
        guard !outcomes.isEmpty else { return false }
        return source.conjunctive ? outcomes.allSatisfy { $0 } : outcomes.contains(true)
    }
}
