import Foundation
import KeyctlConfig
import Testing

/// The config fuzz target's invariants (docs/fuzzing.md), checked in CI on its seed corpus and on
/// every copy of a seed with one line removed: the file parses, or fails with a one-line
/// `ConfigError` naming the file and a line of it; CRLF line ends change nothing.
struct ConfigPropertyTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/config")

    static var seeds: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.sorted().compactMap { try? String(contentsOf: corpus.appendingPathComponent($0), encoding: .utf8) }
    }

    @Test func theSeedCorpusIsThere() {
        #expect(Self.seeds.count >= 4)
    }

    @Test func everySeedWithOneLineRemovedParsesOrNamesALine() {
        for seed in Self.seeds {
            let lines = seed.split(separator: "\n", omittingEmptySubsequences: false)
            for removed in lines.indices {
                var damaged = lines
                damaged.remove(at: removed)
                let text = damaged.joined(separator: "\n")
                let outcome = Outcome(text)
                if let error = outcome.error {
                    #expect(error.file == "keyctl.toml")
                    #expect((0...damaged.count).contains(error.line), "\(error)")
                    #expect(!error.description.contains { $0.isNewline }, "\(error)")
                }
                if !text.contains("\r") {
                    #expect(Outcome(text.replacingOccurrences(of: "\n", with: "\r\n")) == outcome, "line \(removed + 1) removed")
                }
            }
        }
    }

    /// Whether the text parsed, or the error it gave.
    struct Outcome: Equatable {
        var error: ConfigError?

        init(_ text: String) {
            do {
                _ = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
            } catch {
                self.error = error
            }
        }
    }
}
