import Foundation

/// Where a leaked string was seen: a file and line, and for git history the commit that added it.
///
/// Scanner reports name locations in their own words; every field but `path` is optional because
/// not every source knows it (a detect-secrets baseline has no commit, a file scan has no author).
public struct LeakLocation: Sendable, Hashable {
    /// The file, relative to the scanned root when there is one.
    public var path: String
    /// The 1-based line, when known.
    public var line: Int?
    /// The commit that added the line, for history findings.
    public var commit: String?
    /// The commit's author (name and address as git prints them).
    public var author: String?
    /// The commit's author date.
    public var date: Date?

    public init(path: String, line: Int? = nil, commit: String? = nil, author: String? = nil, date: Date? = nil) {
        self.path = path
        self.line = line
        self.commit = commit
        self.author = author
        self.date = date
    }

    /// `path:line`, and `@commit` (its first 12 digits) for history.
    public var description: String {
        var text = path
        if let line { text += ":\(line)" }
        if let commit { text += "@" + commit.prefix(12) }
        return text
    }
}
