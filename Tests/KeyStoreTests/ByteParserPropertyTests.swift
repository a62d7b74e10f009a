import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

/// The streaming byte parsers accept and reject exactly what the Character parsers before them
/// did (`LegacyImportFile`), and read what they accept into the same entries, on seeded random
/// inputs built from the pieces that matter: quotes, separators, blanks, NUL, non-ASCII and
/// combining marks next to commas, dates, scopes.
struct ByteParserPropertyTests {
    static let scopePieces = [
        "orders:write", "products:read", "*", "a:*", ",", " ", "\t", ":", "é", "\u{301}", "A", "x", "-", ".", "_", "a.b_c-d:e",
        String(repeating: "r", count: 120) + ":write", "\"", "\r\n",
    ]

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func scopeListsParseAsBefore(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for round in 0..<2_000 {
            let list = (0..<Int.random(in: 0...6, using: &random)).map { _ in Self.scopePieces.randomElement(using: &random)! }.joined()
            let before = try? LegacyImportFile.scopeSet(list)
            let now = try? ScopeSet(parsing: list)
            #expect(before == now, "round \(round): \(list.debugDescription)")
        }
    }

    @Test(arguments: [UInt64(1), 2])
    func datesParseAsBefore(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let pieces = ["2026", "-", "02", "29", "2024", "12", "31", "T", "t", " ", "23", ":", "59", "60", "61", ".5", ".", "Z", "z",
                      "+", "02:00", "-14:00", "0000", "9999", "01", "é", "1", "0"]
        for round in 0..<5_000 {
            let text = (0..<Int.random(in: 1...12, using: &random)).map { _ in pieces.randomElement(using: &random)! }.joined()
            #expect(LegacyTimestamp.parse(text) == Timestamp.parse(text), "round \(round): \(text.debugDescription)")
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func csvFilesReadAsBefore(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let damage = ["\"", "\"\"", ",", "\n", "\r\n", "\r", "\u{0}", " ", "é", ",\u{301}", "\u{FEFF}", "x"]
        for round in 0..<1_000 {
            var lines = [Bool.random(using: &random) ? "name,env,scopes,owner,created" : " Name ,ENV,scopes,max-age,rotated"]
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let scopes = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.scopePieces.randomElement(using: &random)! }
                let fields = [
                    ["checkout", "a.b-c", "Bad", ""].randomElement(using: &random)!,
                    ["prod", "dev", "é"].randomElement(using: &random)!,
                    "\"" + scopes.joined(separator: ",").replacingOccurrences(of: "\"", with: "\"\"") + "\"",
                    ["team", "", "\"multi\nline\"", "90d", "2026-01-01"].randomElement(using: &random)!,
                    ["2026-01-01", "2026-01-01T10:00:00+02:00", "", "30d", "yesterday"].randomElement(using: &random)!,
                ]
                lines.append(fields.joined(separator: ","))
            }
            var text = lines.joined(separator: Bool.random(using: &random) ? "\n" : "\r\n")
            for _ in 0..<Int.random(in: 0...2, using: &random) where !text.isEmpty {
                let offset = Int.random(in: 0...text.utf8.count, using: &random)
                var bytes = Array(text.utf8)
                bytes.insert(contentsOf: Array(damage.randomElement(using: &random)!.utf8), at: offset)
                text = String(decoding: bytes, as: UTF8.self)
            }
            compare(Data(text.utf8), fileName: "keys.csv", round: round)
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func jsonFilesReadAsBefore(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let damage = ["\"", ",", ":", "[", "]", "{", "}", "x", "1", "-", " ", "\\", "\\u0000", "\\ud800", "null", "true", "1e5", "01",
                      "\"keys\":", "{\"keys\":[", "\"max_age\":\"9d\",", "\"scopes\":[],", "\"owner\":null,", "\u{FEFF}", "é"]
        for round in 0..<1_000 {
            let drafts = (0..<Int.random(in: 0...3, using: &random)).map { _ in ImportFilePropertyTests.draft(&random) }
            var text = String(decoding: ImportFileWriter.json(drafts), as: UTF8.self)
            if Bool.random(using: &random) { text = "{\"other\": [1, {\"a\": -0.5e-3}], \"keys\": \(text)}" }
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let offset = Int.random(in: 0...text.utf8.count, using: &random)
                var bytes = Array(text.utf8)
                bytes.insert(contentsOf: Array(damage.randomElement(using: &random)!.utf8), at: offset)
                text = String(decoding: bytes, as: UTF8.self)
            }
            compare(Data(text.utf8), fileName: "keys.json", round: round)
        }
    }

    /// Both parsers accept `data` and read the same entries, or both reject it; for CSV, with the
    /// same message.
    private func compare(_ data: Data, fileName: String, round: Int) {
        let before = Result { try LegacyImportFile.parse(data, fileName: fileName) }
        let now = Result { try ImportFile.parse(data, fileName: fileName) }
        let input = String(decoding: data, as: UTF8.self).debugDescription
        switch (before, now) {
        case (.success(let old), .success(let new)):
            #expect(old == new, "round \(round): \(input)")
        case (.failure(let old as LegacyImportFile.Failure), .failure(let new as KeyStoreError)):
            #expect(new.category == .invalidInput)
            // A comma followed by a combining mark is one Character: the Character parser quoted
            // a different piece of the bad scope list than the byte parser does (both refuse it).
            if fileName.hasSuffix(".csv") && !input.contains("\u{0301}") && !input.contains("\u{301}") {
                #expect(new.message.hasPrefix(TerminalText.escaped(old.message)), "round \(round): \(input): \(old.message) / \(new.message)")
            }
        default:
            Issue.record("round \(round): \(input): before \(before), now \(now)")
        }
    }
}
