import KeyStore

/// A `TextTable` for listings of any length (`list`, `audit`, `report`): rows go to the output as
/// they come, in memory that does not grow with the table.
///
/// Column widths are those of the header and the first `sizingRows` rows, held until then: a
/// table of up to `sizingRows` rows prints exactly as `TextTable` prints it. In a longer one, a
/// cell further down that is wider than its column is printed whole and pushes the rest of its
/// line to the right.
struct StreamingTable {
    static let sizingRows = 1_000

    private let headers: [String]
    private let sink: any OutputSink
    private var held: [[String]] = []
    /// Set once the header has been written.
    private var widths: [Int]?
    private var output: [UInt8] = []
    private(set) var isEmpty = true

    init(_ headers: String..., to sink: any OutputSink) {
        self.headers = headers
        self.sink = sink
    }

    mutating func add(_ row: [String]) {
        isEmpty = false
        let row = row.map(TerminalText.escaped)
        guard let widths else {
            held.append(row)
            if held.count == Self.sizingRows { start() }
            return
        }
        output.append(contentsOf: TextTable.line(row, widths: widths).utf8)
        if output.count >= 1 << 16 { flush() }
    }

    /// Writes the rows still held; writes nothing for an empty table.
    mutating func finish() {
        if widths == nil && !held.isEmpty { start() }
        flush()
    }

    /// Sizes the columns on the rows held, then writes the header and those rows.
    private mutating func start() {
        let widths = TextTable.widths(headers, held)
        self.widths = widths
        output.append(contentsOf: TextTable.line(headers, widths: widths).utf8)
        for row in held { output.append(contentsOf: TextTable.line(row, widths: widths).utf8) }
        held = []
        flush()
    }

    private mutating func flush() {
        guard !output.isEmpty else { return }
        sink.write(output)
        output.removeAll(keepingCapacity: true)
    }
}
