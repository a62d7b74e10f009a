import Foundation

/// The files under the paths given to `keyctl scan`: folders are walked without following
/// symbolic links to folders (so no loops and nothing outside the tree), `.git` is skipped,
/// symbolic links to files are followed, broken links and unreadable folders are counted.
struct FileTree {
    /// Each file: the path to open and the path to report.
    private(set) var files: [(open: String, shown: String)] = []
    private(set) var summary = ScanSummary()

    /// Walks `roots`: each the path to open and the path as the user gave it, which findings are
    /// reported under. Throws a bad-input `ScanError` for a root that does not exist.
    init(roots: [(open: String, given: String)]) throws(ScanError) {
        for (root, given) in roots {
            var info = stat()
            guard lstat(root, &info) == 0 else {
                throw ScanError(.badInput, "\(given): \(String(cString: strerror(errno)))")
            }
            let shown = given.hasPrefix("./") && given.count > 2 ? String(given.dropFirst(2)) : given
            if (info.st_mode & S_IFMT) == S_IFDIR {
                walk(root, shown: shown == "." ? "" : shown)
            } else {
                add(root, shown: shown, type: info.st_mode & S_IFMT)
            }
        }
    }

    private mutating func walk(_ root: String, shown rootShown: String) {
        var pending = [(root, rootShown)]
        while let (folder, shownFolder) = pending.popLast() {
            guard let directory = opendir(folder) else {
                summary.unreadable += 1
                continue
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
                }
                if name == "." || name == ".." || name == ".git" { continue }
                let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
                let shown = shownFolder.isEmpty ? name : (shownFolder.hasSuffix("/") ? shownFolder + name : shownFolder + "/" + name)
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR): pending.append((path, shown))
                case Int32(DT_REG): files.append((path, shown))
                default:
                    var info = stat()
                    guard lstat(path, &info) == 0 else { summary.unreadable += 1; continue }
                    if (info.st_mode & S_IFMT) == S_IFDIR { pending.append((path, shown)) } else { add(path, shown: shown, type: info.st_mode & S_IFMT) }
                }
            }
        }
    }

    private mutating func add(_ path: String, shown: String, type: mode_t) {
        switch type {
        case S_IFREG:
            files.append((path, shown))
        case S_IFLNK:
            var target = stat()
            guard stat(path, &target) == 0 else {
                if errno == ENOENT || errno == ELOOP || errno == ENOTDIR { summary.brokenSymlinks += 1 } else { summary.unreadable += 1 }
                return
            }
            switch target.st_mode & S_IFMT {
            case S_IFREG: files.append((path, shown))
            case S_IFDIR: summary.directorySymlinks += 1
            default: summary.special += 1
            }
        default:
            summary.special += 1
        }
    }
}
