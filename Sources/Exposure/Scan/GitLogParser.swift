import Foundation

/// Reads the output of `git log -p -U0` with `GitHistory.format` (a line `NUL sha NUL epoch NUL
/// author` before each commit's diff) and hands on, for each file a commit changed, the lines it
/// added with their line numbers in the new file.
///
/// Only the file header (between `diff --git` and the first `@@`) names the file, so an added
/// line whose text is `++ b/x` is content, not a header. Deleted files (`+++ /dev/null`), binary
/// diffs, pure renames and mode changes add no lines. Paths git quotes (`"b/t\303\251st"`) are
/// unquoted; bytes that are not UTF-8 are kept as they are in the scanned text.
struct GitLogParser {
    /// The lines one commit added to one file.
    struct AddedLines {
        var commit: String
        var author: String
        var date: Date?
        var path: String
        /// The added lines, each ending with a newline.
        var text: [UInt8] = []
        /// The new file's line number of each added line.
        var lineNumbers: [Int] = []
    }

    private enum State {
        /// Before a commit's first diff, or in a file header.
        case header
        /// In the hunks of a file.
        case hunk
    }

    private var state = State.header
    private var commit: (sha: String, author: String, date: Date?)?
    private var current: AddedLines?
    private var path: String?
    private var nextLine = 1
    /// Commits seen so far.
    private(set) var commits = 0

    /// Feeds one line (without its newline); calls `emit` when a file's added lines are complete.
    mutating func consume(_ line: UnsafeBufferPointer<UInt8>, _ emit: (AddedLines) -> Void) {
        guard let first = line.first else { return }
        if first == 0 {
            finishFile(emit)
            let fields = line.split(separator: 0, omittingEmptySubsequences: false)
            let text = { (index: Int) in index < fields.count ? String(decoding: fields[index], as: UTF8.self) : "" }
            commit = (text(1), text(3), TimeInterval(text(2)).map { Date(timeIntervalSince1970: $0) })
            commits += 1
            state = .header
            return
        }
        if Self.starts(line, with: "diff --git ") {
            finishFile(emit)
            path = nil
            state = .header
            return
        }
        switch state {
        case .header:
            if Self.starts(line, with: "+++ ") {
                path = Self.newPath(UnsafeBufferPointer(rebasing: line[4...]))
            } else if Self.starts(line, with: "@@ ") {
                startHunk(line)
            }
        case .hunk:
            switch first {
            case UInt8(ascii: "+"):
                guard let path, let commit else { return }
                if current == nil { current = AddedLines(commit: commit.sha, author: commit.author, date: commit.date, path: path) }
                current!.text.append(contentsOf: line[1...])
                current!.text.append(0x0A)
                current!.lineNumbers.append(nextLine)
                nextLine += 1
            case UInt8(ascii: " "):
                nextLine += 1
            case UInt8(ascii: "@"):
                if Self.starts(line, with: "@@ ") { startHunk(line) }
            default:
                break
            }
        }
    }

    /// Hands on the last file's lines at the end of the stream.
    mutating func finish(_ emit: (AddedLines) -> Void) {
        finishFile(emit)
    }

    private mutating func finishFile(_ emit: (AddedLines) -> Void) {
        if let current, !current.lineNumbers.isEmpty { emit(current) }
        current = nil
    }

    /// `@@ -a,b +c,d @@`: the next added line is line c.
    private mutating func startHunk(_ line: UnsafeBufferPointer<UInt8>) {
        state = .hunk
        guard let plus = line.firstIndex(of: UInt8(ascii: "+")) else { nextLine = 1; return }
        var number = 0
        var index = plus + 1
        while index < line.count, (line[index] &- 48) < 10, number < 1 << 40 {
            number = number * 10 + Int(line[index] - 48)
            index += 1
        }
        nextLine = max(number, 1)
    }

    private static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: StaticString) -> Bool {
        guard line.count >= prefix.utf8CodeUnitCount else { return false }
        let bytes = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return zip(line, bytes).allSatisfy { $0 == $1 }
    }

    /// The path of a `+++` line: nil for `/dev/null`; the `b/` prefix dropped; git's C-style
    /// quoting undone; the tab git adds after a name with spaces dropped.
    static func newPath(_ field: UnsafeBufferPointer<UInt8>) -> String? {
        var bytes = Array(field)
        if bytes.last == UInt8(ascii: "\t") { bytes.removeLast() }
        if bytes.first == UInt8(ascii: "\""), bytes.count >= 2, bytes.last == UInt8(ascii: "\"") {
            bytes = unquoted(bytes[1..<(bytes.count - 1)])
        }
        if bytes.elementsEqual("/dev/null".utf8) { return nil }
        if bytes.starts(with: "b/".utf8) { bytes.removeFirst(2) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func unquoted(_ quoted: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        var index = quoted.startIndex
        while index < quoted.endIndex {
            let byte = quoted[index]
            index += 1
            guard byte == UInt8(ascii: "\\"), index < quoted.endIndex else { result.append(byte); continue }
            let escaped = quoted[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): result.append(0x0A)
            case UInt8(ascii: "t"): result.append(0x09)
            case UInt8(ascii: "a"): result.append(0x07)
            case UInt8(ascii: "b"): result.append(0x08)
            case UInt8(ascii: "f"): result.append(0x0C)
            case UInt8(ascii: "v"): result.append(0x0B)
            case UInt8(ascii: "r"): result.append(0x0D)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escaped - 48)
                var digits = 1
                while digits < 3, index < quoted.endIndex, (quoted[index] &- 48) < 8 {
                    value = value * 8 + Int(quoted[index] - 48)
                    index += 1
                    digits += 1
                }
                result.append(UInt8(truncatingIfNeeded: value))
            default: result.append(escaped)
            }
        }
        return result
    }
}
