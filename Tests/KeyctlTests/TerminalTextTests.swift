import Testing
import KeyStore

struct TerminalTextTests {
    @Test(arguments: [
        ("\u{1B}[31mred", #"\u{1B}[31mred"#), ("a\u{0}b", #"a\u{0}b"#), ("tab\there", #"tab\u{9}here"#), ("del\u{7F}", #"del\u{7F}"#),
        ("csi\u{9B}2J", #"csi\u{9B}2J"#), ("one\u{2028}two", #"one\u{2028}two"#), ("abc\u{202E}fdp.exe", #"abc\u{202E}fdp.exe"#),
        ("iso\u{2066}late", #"iso\u{2066}late"#), ("cr\r\n", #"cr\u{D}\u{A}"#),
    ])
    func escapesTerminalControls(text: String, expected: String) {
        #expect(TerminalText.escaped(text) == expected)
    }

    @Test(arguments: ["payments", "équipe", "東京", "ops 🔑", #"C:\keys\u{1B}"#, ""])
    func leavesPrintableTextAsItIs(text: String) {
        #expect(TerminalText.escaped(text) == text)
    }
}
