/// Stored text made safe to print on a terminal.
///
/// Owners, descriptions, labels, actors and reasons are free text that anyone with write access
/// to the registry (or an import file) chose. Printed raw, an ANSI escape sequence in them could
/// recolour, hide or rewrite what an operator reads. Table output and error messages therefore
/// show every control character (C0, DEL, C1), line and paragraph separator, and bidirectional
/// override as a Swift-style escape: ESC is `\u{1B}`, a newline `\u{A}`, U+202E `\u{202E}`.
/// JSON output is escaped by `JSONWriter` as JSON requires instead.
public enum TerminalText {
    /// `text` with each unsafe scalar replaced by `\u{HEX}`; `text` itself when it has none.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
