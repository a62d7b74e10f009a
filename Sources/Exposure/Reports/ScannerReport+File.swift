import Foundation

extension ScannerReport {
    /// Reads the report file at `path`; `file` names it in errors (the path as the user gave it).
    ///
    /// TruffleHog JSON lines are read and parsed a chunk at a time; the other formats are one JSON
    /// document, read whole. Throws `ScannerReportError` when the file cannot be read, is not a
    /// regular file, is larger than `maximumBytes`, or does not parse.
    public static func read(path: String, file: String) throws(ScannerReportError) -> ScannerReport {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ScannerReportError(file: file, problem: "cannot read the report: \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw ScannerReportError(file: file, problem: "not a regular file") }
        guard status.st_size <= maximumBytes else { throw tooLarge(file) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ScannerReportError(file: file, problem: "cannot read the report (permission denied?)")
        }
        defer { try? handle.close() }
        var reader = ChunkReader(handle: handle, file: file)

        // Read until the first non-blank line is complete, to tell the format.
        var buffer: [UInt8] = []
        var firstLine: ArraySlice<UInt8>?
        while true {
            let atEnd = try !reader.append(to: &buffer)
            if buffer.starts(with: byteOrderMark) { buffer.removeFirst(3) }
            if let line = firstNonBlankLine(of: buffer[...]), atEnd || line.endIndex < buffer.endIndex {
                firstLine = line
                break
            }
            if atEnd { break }
        }
        guard isTruffleHog(firstLine: firstLine) else {
            while try reader.append(to: &buffer) {}
            return try ScannerReport(document: buffer, file: file)
        }
        var report = TruffleHogReport(file: file)
        var number = 0
        // Where the search for the next newline resumes: a long line spanning many chunks is
        // searched once, not again from its start after every chunk.
        var searched = 0
        while true {
            let atEnd = try !reader.append(to: &buffer)
            var start = 0
            while let newline = buffer[max(start, searched)...].firstIndex(of: 0x0a) {
                number += 1
                try report.add(line: buffer[start..<newline], number: number)
                start = newline + 1
            }
            buffer.removeFirst(start)
            searched = buffer.count
            if atEnd { break }
        }
        number += 1
        try report.add(line: buffer, number: number)
        return ScannerReport(format: .truffleHog, leaks: report.leaks)
    }
}

/// Reads a file a chunk at a time, refusing more than `ScannerReport.maximumBytes` in all (the
/// file may grow while it is read).
private struct ChunkReader {
    static let chunkSize = 1 << 20
    let handle: FileHandle
    let file: String
    var total = 0

    /// Appends the next chunk to `buffer`; false at the end of the file.
    mutating func append(to buffer: inout [UInt8]) throws(ScannerReportError) -> Bool {
        let chunk: Data
        do {
            chunk = try handle.read(upToCount: Self.chunkSize) ?? Data()
        } catch {
            throw ScannerReportError(file: file, problem: "cannot read the report: \(error.localizedDescription)")
        }
        guard !chunk.isEmpty else { return false }
        total += chunk.count
        guard total <= ScannerReport.maximumBytes else { throw ScannerReport.tooLarge(file) }
        buffer.append(contentsOf: chunk)
        return true
    }
}
