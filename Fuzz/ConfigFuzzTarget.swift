import KeyctlConfig

extension FuzzTarget {
    /// keyctl.toml: `KeyctlConfiguration(parsing:file:)` either succeeds or throws a `ConfigError`
    /// that names the file and a line of it on one line, the same error every time, and the same
    /// outcome when the file's line ends are CRLF instead of LF.
    static let config = FuzzTarget(name: "config") { bytes in
        // `KeyctlConfiguration.load` refuses what is not UTF-8 before parsing.
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let outcome = ConfigOutcome(text)
        let lineCount = bytes.count { $0 == 10 } + 1
        if case .failed(let error) = outcome {
            invariant(error.file == "keyctl.toml", "the error names \(error.file), not keyctl.toml")
            invariant((0...lineCount).contains(error.line), "line \(error.line) of a \(lineCount)-line file: \(error)")
            invariant(!error.problem.isEmpty, "an error without a problem")
            invariant(!error.description.contains(where: \.isNewline), "a multi-line error: \(error)")
        }
        invariant(ConfigOutcome(text) == outcome, "two parses of the same text disagree")
        if !text.contains("\r") {
            let crlf = ConfigOutcome(text.replacingOccurrences(of: "\n", with: "\r\n"))
            invariant(crlf.line == outcome.line, "CRLF line ends change the outcome: \(outcome) then \(crlf)")
        }
    }
}

/// What parsing one config text gave: enough to compare two parses.
enum ConfigOutcome: Equatable {
    case parsed
    case failed(ConfigError)

    init(_ text: String) {
        do {
            _ = try KeyctlConfiguration(parsing: text, file: "keyctl.toml")
            self = .parsed
        } catch {
            self = .failed(error)
        }
    }

    /// The line of the error; nil when the text parsed.
    var line: Int? {
        guard case .failed(let error) = self else { return nil }
        return error.line
    }
}
