/// Splits a dotenv file's bytes into lines, recognising assignments in the forms `DotenvQuoting`
/// describes. Never fails: what it does not understand is kept as an `other` line, so that joining
/// the lines' bytes gives back the input exactly.
struct DotenvParser {
    private let bytes: [UInt8]
    /// For each quote, a position after which it is never closed: a quote that is not closed
    /// from there is not closed from any later position either, so scanning stays linear.
    private var unclosedAfter: [UInt8: Int] = [:]

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func lines() -> [DotenvLine] {
        var lines: [DotenvLine] = []
        var start = 0
        while start < bytes.count {
            let (line, next) = entry(at: start)
            lines.append(line)
            start = next
        }
        return lines
    }

    /// A line as the file splits it: where its content ends (before `\r\n` or `\n`), its ending,
    /// and where the next line starts.
    private typealias PhysicalLine = (contentEnd: Int, ending: DotenvLine.Ending, next: Int)

    /// The physical line starting at `start`.
    private func physicalLine(at start: Int) -> PhysicalLine {
        guard let feed = bytes[start...].firstIndex(of: DotenvSyntax.lineFeed) else { return (bytes.count, .none, bytes.count) }
        if feed > start, bytes[feed - 1] == DotenvSyntax.carriageReturn { return (feed - 1, .carriageReturnLineFeed, feed + 1) }
        return (feed, .lineFeed, feed + 1)
    }

    /// The entry starting at `start` and where the next one starts.
    private mutating func entry(at start: Int) -> (DotenvLine, Int) {
        let physical = physicalLine(at: start)
        let whole = Array(bytes[start..<physical.contentEnd])
        guard let head = assignmentHead(from: start, to: physical.contentEnd) else {
            return (DotenvLine(content: .other(whole), ending: physical.ending), physical.next)
        }
        guard let (assignment, last) = assignment(head, line: physical) else {
            return (DotenvLine(content: .unreadable(name: head.name, bytes: whole), ending: physical.ending), physical.next)
        }
        return (DotenvLine(content: .assignment(assignment), ending: last.ending), last.next)
    }

    /// `[blanks][export blanks]NAME[blanks]=`: the parts up to and including `=`.
    private struct Head {
        let lead: Range<Int>
        let name: [UInt8]
        let nameEnd: Int
        let equals: Int
    }

    private func assignmentHead(from start: Int, to end: Int) -> Head? {
        var position = skipBlanks(from: start, to: end)
        let afterExport = position + DotenvSyntax.export.count
        if afterExport < end, bytes[position..<afterExport].elementsEqual(DotenvSyntax.export), DotenvSyntax.isBlank(bytes[afterExport]) {
            position = skipBlanks(from: afterExport, to: end)
        }
        let nameStart = position
        while position < end, DotenvSyntax.isNameByte(bytes[position]) { position += 1 }
        guard position > nameStart else { return nil }
        let nameEnd = position
        position = skipBlanks(from: position, to: end)
        guard position < end, bytes[position] == DotenvSyntax.equals else { return nil }
        return Head(lead: start..<nameStart, name: Array(bytes[nameStart..<nameEnd]), nameEnd: nameEnd, equals: position)
    }

    /// The assignment whose head is `head` on physical line `line`, and its last physical line
    /// (a later one when a quoted value spans lines); nil when its value cannot be read.
    private mutating func assignment(
        _ head: Head, line: PhysicalLine
    ) -> (DotenvAssignment, PhysicalLine)? {
        let lineEnd = line.contentEnd
        let valueStart = skipBlanks(from: head.equals + 1, to: lineEnd)
        let lead = Array(bytes[head.lead]), separatorStart = head.nameEnd
        if valueStart < lineEnd, bytes[valueStart] == DotenvSyntax.singleQuote || bytes[valueStart] == DotenvSyntax.doubleQuote {
            guard let close = closingQuote(from: valueStart) else { return nil }
            let last = physicalLine(at: close)
            let trailing = close + 1..<last.contentEnd
            guard isBlanksThenComment(trailing) else { return nil }
            let assignment = DotenvAssignment(
                lead: lead, name: head.name, separator: Array(bytes[separatorStart..<valueStart]),
                quoting: bytes[valueStart] == DotenvSyntax.singleQuote ? .single : .double,
                writtenValue: Array(bytes[valueStart...close]), trailing: Array(bytes[trailing]))
            return (assignment, last)
        }
        // An unquoted value ends at a `#` after a blank (an inline comment), blanks before it excluded.
        var valueEnd = lineEnd
        if let comment = (valueStart..<lineEnd).first(where: { bytes[$0] == DotenvSyntax.hash && DotenvSyntax.isBlank(bytes[$0 - 1]) }) {
            valueEnd = comment
        }
        while valueEnd > valueStart, DotenvSyntax.isBlank(bytes[valueEnd - 1]) { valueEnd -= 1 }
        // With no value before a comment, the blanks before `#` belong to the comment.
        let commentOnly = valueEnd == valueStart && valueEnd < lineEnd
        let separatorEnd = commentOnly ? head.equals + 1 : valueStart
        let assignment = DotenvAssignment(
            lead: lead, name: head.name, separator: Array(bytes[separatorStart..<separatorEnd]), quoting: .unquoted,
            writtenValue: Array(bytes[valueStart..<valueEnd]), trailing: Array(bytes[(commentOnly ? separatorEnd : valueEnd)..<lineEnd]))
        return (assignment, line)
    }

    /// The index of the quote closing the one at `open`, possibly on a later line; in double
    /// quotes a backslash escapes the next byte.
    private mutating func closingQuote(from open: Int) -> Int? {
        let quote = bytes[open]
        if let unclosed = unclosedAfter[quote], open >= unclosed { return nil }
        var position = open + 1
        while position < bytes.count {
            if bytes[position] == quote { return position }
            position += quote == DotenvSyntax.doubleQuote && bytes[position] == DotenvSyntax.backslash ? 2 : 1
        }
        unclosedAfter[quote] = open
        return nil
    }

    private func isBlanksThenComment(_ range: Range<Int>) -> Bool {
        let afterBlanks = skipBlanks(from: range.lowerBound, to: range.upperBound)
        return afterBlanks == range.upperBound || bytes[afterBlanks] == DotenvSyntax.hash
    }

    private func skipBlanks(from start: Int, to end: Int) -> Int {
        var position = start
        while position < end, DotenvSyntax.isBlank(bytes[position]) { position += 1 }
        return position
    }
}
