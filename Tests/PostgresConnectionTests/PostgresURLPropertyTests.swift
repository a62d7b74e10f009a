import KeyStore
import KeyctlTestSupport
import Testing
@testable import PostgresStore

/// Random URLs and password files: reading never crashes, and a URL either reads or fails with
/// one `invalidInput` line.
struct PostgresURLPropertyTests {
    static let alphabet = "aZ09:@/?&=%[]#*\\.-_ éx\n\t"

    @Test
    func randomURLsReadOrFailWithOneLine() {
        var generator = SeededGenerator(seed: 0x7067_636F_6E6E)
        for _ in 0..<5000 {
            let url = "postgres://" + generator.string(from: Self.alphabet, count: Int.random(in: 0...40, using: &generator))
            let error = readingError(url)
            if let error {
                #expect(error.category == .invalidInput, "\(url)")
                #expect(!error.message.contains("\n"), "\(url)")
            }
        }
    }

    @Test
    func randomPasswordFilesNeverMatchALineWithFewerThanFiveFields() {
        var generator = SeededGenerator(seed: 0x7067_7061_7373)
        for _ in 0..<2000 {
            let text = generator.string(from: "ab:*\\\n#", count: Int.random(in: 0...30, using: &generator))
            let file = PgPass(text: text)
            for entry in file.entries { #expect(entry.patterns.count == 4, "\(text)") }
            _ = file.password(host: "a", port: "b", database: "a", user: "b")
        }
    }
}
