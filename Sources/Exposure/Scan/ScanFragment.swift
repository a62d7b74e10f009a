import Foundation

/// Where the bytes being scanned come from: a file, or the lines one commit added to one file.
struct ScanFragment {
    /// The file, as reported.
    var path: String
    var commit: String?
    var author: String?
    var date: Date?
    /// The file line of each line of the bytes, for history (added lines only); nil when the
    /// bytes are the whole file and line n is line n.
    var lineNumbers: [Int]?

    func location(lineIndex: Int) -> LeakLocation {
        let line = lineNumbers.map { lineIndex < $0.count ? $0[lineIndex] : $0.last ?? 1 } ?? lineIndex + 1
        return LeakLocation(path: path, line: line, commit: commit, author: author, date: date)
    }
}

/// Counts lines up to a byte offset, moving forward from the last offset asked about.
struct LineCounter {
    private var offset = 0
    private var newlines = 0

    /// The 0-based line of `target` in `bytes`.
    mutating func line(at target: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        if target < offset { offset = 0; newlines = 0 }
        var index = offset
        while index < target {
            if bytes[index] == 0x0A { newlines += 1 }
            index += 1
        }
        offset = target
        return newlines
    }
}
