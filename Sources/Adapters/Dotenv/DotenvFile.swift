/// A dotenv file as users write it, parsed so that one variable can be read or replaced while
/// every other byte stays as it was.
///
/// Parsing never fails and `serialized()` gives back the parsed bytes exactly, whatever they are
/// (a pure pair, for fuzzing). Reading follows dotenv libraries: the last line assigning a
/// variable wins. Writing keeps that line's indentation, `export`, spacing around `=`, quoting style
/// (when it can hold the new value, else double quotes), inline comment and line ending, and
/// removes the variable's earlier duplicates.
public struct DotenvFile: Sendable, Equatable {
    public private(set) var lines: [DotenvLine]

    /// Parses `bytes`; a line that is not an assignment keyctl can read is kept as written.
    public init(parsing bytes: [UInt8]) {
        var parser = DotenvParser(bytes)
        lines = parser.lines()
    }

    /// The file's bytes.
    public func serialized() -> [UInt8] { lines.flatMap(\.bytes) }

    /// The value of `name` as dotenv libraries read it (the last assignment wins); nil when no
    /// line assigns it. Throws when a line assigning it cannot be read.
    public func value(of name: String) throws(DotenvError) -> [UInt8]? {
        guard let last = try indices(assigning: name).last, case .assignment(let assignment) = lines[last].content else { return nil }
        return assignment.value
    }

    /// Sets `name` to `value` on its last line, keeping that line's form (see the type's summary),
    /// and removes its earlier lines; appends `NAME=value` when no line assigns it. Throws when
    /// `value` cannot be written or a line assigning `name` cannot be read.
    public mutating func setValue(_ value: [UInt8], of name: String) throws(DotenvError) {
        let original = self
        let found = try indices(assigning: name)
        if let last = found.last, case .assignment(var assignment) = lines[last].content {
            try assignment.setValue(value)
            lines[last].content = .assignment(assignment)
            for index in found.dropLast().reversed() { lines.remove(at: index) }
        } else {
            append(try DotenvAssignment(name: Array(name.utf8), value: value))
        }
        guard readsBackAsWritten() else {
            self = original
            let opening = lines.indices.first { if case .unreadable = lines[$0].content { true } else { false } }
            throw DotenvError(.openQuote(name: name, line: opening.map(lineNumber(of:)) ?? 1))
        }
    }

    /// Removes every line assigning `name`. Throws when one of them cannot be read.
    public mutating func removeValue(of name: String) throws(DotenvError) {
        for index in try indices(assigning: name).reversed() {
            let removed = lines.remove(at: index)
            if index == lines.count, removed.ending == .none, !lines.isEmpty { lines[index - 1].ending = .none }
        }
    }

    /// The lines assigning `name`, in order; throws when one of them cannot be read.
    private func indices(assigning name: String) throws(DotenvError) -> [Int] {
        let key = Array(name.utf8)
        let found = lines.indices.filter { lines[$0].name == key }
        if let unreadable = found.first(where: { if case .unreadable = lines[$0].content { true } else { false } }) {
            throw DotenvError(.unreadable(name: name, line: lineNumber(of: unreadable)))
        }
        return found
    }

    /// Appends `assignment` as the last line. A file that does not end with a newline still does
    /// not; the line before gets the file's line ending.
    private mutating func append(_ assignment: DotenvAssignment) {
        let ending = lines.lazy.map(\.ending).first { $0 != .none } ?? .lineFeed
        guard let last = lines.indices.last, lines[last].ending == .none else {
            lines.append(DotenvLine(content: .assignment(assignment), ending: ending))
            return
        }
        lines[last].ending = ending
        lines.append(DotenvLine(content: .assignment(assignment), ending: .none))
    }

    /// Whether parsing the file's bytes again gives the same lines with the same values: false when
    /// a quote left open by an unreadable line would now be closed by a line written since.
    private func readsBackAsWritten() -> Bool {
        let reparsed = DotenvFile(parsing: serialized()).lines
        guard reparsed.count == lines.count else { return false }
        return zip(reparsed, lines).allSatisfy { again, written in
            again.bytes == written.bytes && again.name == written.name && again.value == written.value
        }
    }

    /// The 1-based number of the physical line where `lines[index]` starts.
    private func lineNumber(of index: Int) -> Int {
        1 + lines[..<index].reduce(0) { count, line in count + line.bytes.count(where: { $0 == DotenvSyntax.lineFeed }) }
    }
}
