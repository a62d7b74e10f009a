/// Cuts a byte stream that arrives in chunks into lines, keeping a partial last line for the next chunk.
struct LineSplitter {
    private var carry: [UInt8] = []

    /// Calls `line` with each complete line of `chunk` (without its newline).
    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ line: (UnsafeBufferPointer<UInt8>) -> Void) {
        var start = 0
        for index in 0..<chunk.count where chunk[index] == 0x0A {
            if carry.isEmpty {
                line(UnsafeBufferPointer(rebasing: chunk[start..<index]))
            } else {
                carry.append(contentsOf: chunk[start..<index])
                carry.withUnsafeBufferPointer { line($0) }
                carry.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        carry.append(contentsOf: chunk[start...])
    }

    /// Calls `line` with the last line if the stream did not end with a newline.
    mutating func finish(_ line: (UnsafeBufferPointer<UInt8>) -> Void) {
        if !carry.isEmpty { carry.withUnsafeBufferPointer { line($0) } }
        carry.removeAll()
    }
}

extension GitLogParser {
    /// Parses a whole `git log` output at once (tests and fuzzing).
    static func parse(_ output: [UInt8]) -> (files: [AddedLines], commits: Int) {
        var parser = GitLogParser()
        var splitter = LineSplitter()
        var files: [AddedLines] = []
        output.withUnsafeBufferPointer { chunk in
            splitter.feed(chunk) { parser.consume($0) { files.append($0) } }
        }
        splitter.finish { parser.consume($0) { files.append($0) } }
        parser.finish { files.append($0) }
        return (files, parser.commits)
    }
}
