import KeyStore
import Foundation
/// A plain-text table for terminals: a header row and left-aligned, space-padded columns.
/// Control characters in cells are escaped (see `TerminalText`), so a cell is always one line.
struct TextTable {
    private let headers: [String]
    private var rows: [[String]] = []

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ row: [String]) { rows.append(row.map(TerminalText.escaped)) }

    var isEmpty: Bool { rows.isEmpty }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() where column < widths.count { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let isLast = column == cells.count - 1
                text += isLast ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }
            return text + "\n"
        }
        return line(headers) + rows.map(line).joined()
    }
}
