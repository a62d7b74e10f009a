/// What a scan covered and what it skipped, for the summary line: skipped files are counted,
/// never an error.
public struct ScanSummary: Sendable, Equatable {
    /// Files read and scanned.
    public var files = 0
    /// Bytes scanned (files, or added lines of history).
    public var bytes = 0
    /// Commits read from history (`--git`).
    public var commits = 0
    /// Files with a NUL byte in their first 8 KiB.
    public var binary = 0
    /// Files over `FileTreeScan.maximumFileSize`.
    public var tooLarge = 0
    /// Files and folders that could not be opened or read.
    public var unreadable = 0
    /// Symbolic links whose target does not exist.
    public var brokenSymlinks = 0
    /// Symbolic links to folders, which are not followed (no loops, no scanning outside the tree).
    public var directorySymlinks = 0
    /// Sockets, pipes and devices.
    public var special = 0
    /// Searches of a file or commit by a gitleaks rule given up at `FragmentScanner.ruleTimeLimit`
    /// (a regex that backtracks): those parts were not checked by that rule.
    public var ruleTimeouts = 0

    public init() {}

    mutating func add(_ other: ScanSummary) {
        files += other.files
        bytes += other.bytes
        commits += other.commits
        binary += other.binary
        tooLarge += other.tooLarge
        unreadable += other.unreadable
        brokenSymlinks += other.brokenSymlinks
        directorySymlinks += other.directorySymlinks
        special += other.special
        ruleTimeouts += other.ruleTimeouts
    }

    /// Every skip count that is not zero, as `2 binary, 1 too large`; empty when nothing was skipped.
    public var skipped: [(String, Int)] {
        [("binary", binary), ("too large", tooLarge), ("unreadable", unreadable), ("broken symlink", brokenSymlinks),
         ("folder symlink not followed", directorySymlinks), ("not a regular file", special),
         ("rule search given up (a regex too slow)", ruleTimeouts)].filter { $0.1 > 0 }
    }
}
