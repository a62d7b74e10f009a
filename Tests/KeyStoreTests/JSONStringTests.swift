import Foundation
import KeyStore
import Testing

/// JSON string literals as keyctl writes them in audit details and stored target lists.
struct JSONStringTests {
    @Test(arguments: [
        ("checkout", "\"checkout\""),
        ("", "\"\""),
        ("a\"b\\c", "\"a\\\"b\\\\c\""),
        ("tab\tcr\rnl\n", "\"tab\\tcr\\rnl\\n\""),
        ("bell\u{07}del\u{7F}", "\"bell\\u0007del\\u007f\""),
        ("naïve ✓", "\"naïve ✓\""),
    ])
    func textIsQuotedWithEveryControlCharacterEscaped(text: String, quoted: String) {
        #expect(JSONString.quoted(text) == quoted)
    }

    @Test(arguments: ["plain", "a\"b", "x\u{01}y\u{1F}z", "ünï\ncode\\"])
    func aQuotedTextParsesBackToItself(text: String) throws {
        let parsed = try JSONDecoder().decode(String.self, from: Data(JSONString.quoted(text).utf8))
        #expect(parsed == text)
    }
}
