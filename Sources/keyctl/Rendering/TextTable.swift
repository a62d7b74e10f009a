import KeyStore
import Foundation
/// A plain-text table for terminals: a header row and left-aligned, space-padded columns.
/// Control characters in cells are escaped (see `TerminalText`), so a cell is always one line.
/// Listings that may be long use `StreamingTable`.
struct TextTable {
    private let headers: [String]
    private var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escaped)) }

    var isEmpty: Bool { rows.isEmpty }

    func render() -> String {
        let widths = Self.widths(headers, rows)
        return Self.line(headers, widths: widths) + rows.map { Self.line($0, widths: widths) }.joined()
    }

    /// Each column's width: its widest cell, header included, in Characters.
    static func widths(_ headers: [String], _ rows: [[String]]) -> [Int] {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], cell.count) }
        }
        return widths
    }

    /// One line: every cell but the last padded to its column's width plus two spaces.
    static func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for (column, cell) in cells.enumerated() {
            let isLast = column == cells.count - 1
            text += isLast ? cell : cell + String(repeating: " ", count: max(widths[column] - cell.count, 0) + 2)
        }
        return text + "\n"
    }
}
