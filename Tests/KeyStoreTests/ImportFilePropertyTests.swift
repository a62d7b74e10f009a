import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

/// The import fuzz targets' invariants (docs/fuzzing.md), checked in CI on a few hundred seeded
/// random inputs: what parses reads back the same when written again, and what does not parse
/// fails with an `invalidInput` error that names the file.
struct ImportFilePropertyTests {
    @Test(arguments: [UInt64(1), 2, 3])
    func draftsWrittenAsCSVOrJSONReadBackTheSame(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<100 {
            let drafts = (0..<Int.random(in: 0...4, using: &random)).map { _ in Self.draft(&random) }
            let fromCSV = try ImportFile.parse(ImportFileWriter.csv(drafts), fileName: "keys.csv").map(\.draft)
            let fromJSON = try ImportFile.parse(ImportFileWriter.json(drafts), fileName: "keys.json").map(\.draft)
            #expect(fromCSV == drafts, "seed \(seed)")
            #expect(fromJSON == drafts, "seed \(seed)")
        }
    }

    @Test(arguments: ["keys.csv", "keys.json"])
    func damagedFilesFailWithAnInvalidInputErrorNamingTheFile(fileName: String) {
        var random = SeededGenerator(seed: 7)
        for round in 0..<300 {
            let drafts = (0..<Int.random(in: 1...3, using: &random)).map { _ in Self.draft(&random) }
            var bytes = Array(fileName.hasSuffix(".csv") ? ImportFileWriter.csv(drafts) : ImportFileWriter.json(drafts))
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                // Printable damage: quotes, separators, brackets and letters, never a line break.
                bytes[index] = Array(#"",:[]{}x1- \"#.utf8).randomElement(using: &random)!
            }
            do {
                let entries = try ImportFile.parse(Data(bytes), fileName: fileName)
                let again = try ImportFile.parse(ImportFileWriter.csv(entries.map(\.draft)), fileName: "again.csv")
                #expect(again.map(\.draft) == entries.map(\.draft), "round \(round)")
            } catch {
                #expect(error.category == .invalidInput, "round \(round): \(error)")
                #expect(error.message.hasPrefix(fileName) || error.message.hasPrefix("again.csv"), "round \(round): \(error)")
            }
        }
    }

    /// A valid draft with every optional field sometimes present, text fields holding quotes,
    /// commas and non-ASCII characters.
    static func draft(_ random: inout SeededGenerator) -> KeyDraft {
        let slug = "abcdefghijklmnopqrstuvwxyz0123456789"
        func maybe<T>(_ make: () -> T) -> T? { Bool.random(using: &random) ? make() : nil }
        func text() -> String { random.string(from: #"ab ,"'é→;\"#, count: Int.random(in: 1...12, using: &random)) }
        let scopes = (0..<Int.random(in: 1...3, using: &random)).map { _ in
            Scope(random.string(from: slug, count: 3) + ":" + ["read", "write", "*"].randomElement(using: &random)!)!
        }
        let created = maybe { Date(timeIntervalSince1970: Double(Int64.random(in: 0...4_000_000_000, using: &random))) }
        return KeyDraft(
            name: KeyName(random.string(from: slug, count: Int.random(in: 1...20, using: &random)))!,
            env: EnvironmentName(["prod", "staging", "dev"].randomElement(using: &random)!)!,
            scopes: try! ScopeSet(scopes), owner: maybe(text), description: maybe(text),
            createdAt: created, rotatedAt: created.flatMap { date in maybe { date.addingTimeInterval(86_400) } },
            maxAge: maybe { TimeSpan.days(Int64.random(in: 1...400, using: &random)) })
    }
}
