import Adapters
import KeyctlTestSupport
import Testing

/// A real-world dotenv file and what `API_KEY` holds in it.
struct DotenvSample: Sendable, CustomTestStringConvertible {
    let file: String
    let value: String?
    /// Whether the value is written in its style's canonical form, so that setting another value
    /// and then this one again gives back the file byte for byte.
    let canonical: Bool

    init(_ file: String, _ value: String?, canonical: Bool = true) {
        self.file = file
        self.value = value
        self.canonical = canonical
    }

    var testDescription: String { file.debugDescription }
}

struct DotenvFileTests {
    static let samples: [DotenvSample] = [
        DotenvSample("export API_KEY='abc'\n", "abc"),
        DotenvSample(#"API_KEY = "a\"b" # prod"# + "\n", #"a"b"#),
        DotenvSample("# payments\r\nAPI_KEY=abc\r\nDEBUG=1\r\n", "abc"),
        DotenvSample("A=1\nAPI_KEY=sk_live_1234", "sk_live_1234"),
        DotenvSample("A=1\nAPI_KEY=\n", ""),
        DotenvSample("API_KEY= # not set yet\n", ""),
        DotenvSample("API_KEY=\"abc#def\"\n", "abc#def"),
        DotenvSample("API_KEY=abc#def\n", "abc#def", canonical: false),
        DotenvSample("API_KEY=a=b\n", "a=b"),
        DotenvSample("API_KEY=\"a=b c\"\n", "a=b c"),
        DotenvSample("API_KEY='p@ss $HOME \"x\" \\n'\n", #"p@ss $HOME "x" \n"#),
        DotenvSample(#"API_KEY="\$abc\\def\`""# + "\n", #"$abc\def`"#),
        DotenvSample("API_KEY=$abc\n", "$abc", canonical: false),
        DotenvSample("  export\tAPI_KEY  =   sk_live_123   # rotated monthly\n", "sk_live_123"),
        DotenvSample(#"API_KEY="line1\nline2""# + "\n", "line1\nline2"),
        DotenvSample("API_KEY=\"line1\nline2\"\nB=2\n", "line1\nline2", canonical: false),
        DotenvSample("API_KEY='abc' # c", "abc"),
        DotenvSample("API_KEY=\"abc\"#c\r\n", "abc"),
        DotenvSample("API_KEY=abc def \n", "abc def", canonical: false),
        DotenvSample(#"API_KEY="tab\tbell\a""# + "\n", "tab\tbell\\a", canonical: false),
        DotenvSample("API_KEY=\"tab\there\"\n", "tab\there"),
        DotenvSample("API_KEY=old\nB=2\nAPI_KEY=new\n", "new", canonical: false),
        DotenvSample("API_KEY_OLD=x\nMY_API_KEY=y\n", nil),
        DotenvSample("CERT=\"-----BEGIN\nAPI_KEY=fake\n-----END\"\nAPI_KEY=real\n", "real"),
        DotenvSample("", nil),
        DotenvSample("\n\n# only comments\n", nil),
    ]

    @Test(arguments: samples)
    func parsingThenSerialisingGivesBackTheSameBytes(sample: DotenvSample) {
        let bytes = Array(sample.file.utf8)
        #expect(DotenvFile(parsing: bytes).serialized() == bytes)
    }

    @Test(arguments: samples)
    func theValueIsReadAsDotenvLibrariesReadIt(sample: DotenvSample) throws {
        let value = try DotenvFile(parsing: Array(sample.file.utf8)).value(of: "API_KEY")
        #expect(value.map { String(decoding: $0, as: UTF8.self) } == sample.value)
    }

    @Test(arguments: samples.filter { $0.canonical && $0.value != nil })
    func settingAnotherValueThenTheOldOneGivesBackTheSameBytes(sample: DotenvSample) throws {
        var file = DotenvFile(parsing: Array(sample.file.utf8))
        try file.setValue(Array("sk_new_value_5678".utf8), of: "API_KEY")
        #expect(try DotenvFile(parsing: file.serialized()).value(of: "API_KEY") == Array("sk_new_value_5678".utf8))
        try file.setValue(Array(sample.value!.utf8), of: "API_KEY")
        #expect(String(decoding: file.serialized(), as: UTF8.self) == sample.file)
    }

    /// The last row: of duplicates, one line is left, where the last one was, in its form.
    @Test(arguments: [
        ("export API_KEY='abc' # c\r\n", "xyz", "export API_KEY='xyz' # c\r\n"),
        ("API_KEY = abc   # c\n", "a b", "API_KEY = \"a b\"   # c\n"),
        ("API_KEY='abc'\n", "it's", "API_KEY=\"it's\"\n"),
        ("API_KEY='abc'\n", "a\nb", "API_KEY=\"a\\nb\"\n"),
        ("API_KEY= # c\n", "abc", "API_KEY=abc # c\n"),
        ("API_KEY=abc # c\n", "", "API_KEY= # c\n"),
        ("API_KEY=\"abc\"\n", "plain", "API_KEY=\"plain\"\n"),
        ("A=1\nAPI_KEY=old # first\nB=2\nexport API_KEY='mid'\nAPI_KEY=\"last\" # wins\r\nC=3", "new", "A=1\nB=2\nAPI_KEY=\"new\" # wins\r\nC=3"),
    ])
    func settingKeepsTheLinesFormAndFallsBackToDoubleQuotes(before: String, value: String, after: String) throws {
        var file = DotenvFile(parsing: Array(before.utf8))
        try file.setValue(Array(value.utf8), of: "API_KEY")
        #expect(String(decoding: file.serialized(), as: UTF8.self) == after)
    }

    @Test(arguments: [
        ("A=1\nB=2", "A=1\nB=2\nAPI_KEY=sk_1"),
        ("A=1\r\nB=2\r\n", "A=1\r\nB=2\r\nAPI_KEY=sk_1\r\n"),
        ("", "API_KEY=sk_1\n"),
        ("A=1\n", "A=1\nAPI_KEY=sk_1\n"),
    ])
    func aMissingVariableIsAppendedAndRemovingItGivesBackTheSameBytes(before: String, after: String) throws {
        var file = DotenvFile(parsing: Array(before.utf8))
        try file.setValue(Array("sk_1".utf8), of: "API_KEY")
        #expect(String(decoding: file.serialized(), as: UTF8.self) == after)
        try file.removeValue(of: "API_KEY")
        #expect(String(decoding: file.serialized(), as: UTF8.self) == before)
    }

    @Test(arguments: ["A=1\nAPI_KEY=\"abc\nB=2\n", "API_KEY='abc'x\n", "A=1\n\nAPI_KEY=\"abc\" trailing\n"])
    func aLineAssigningTheVariableThatCannotBeReadIsRefusedNamingIt(text: String) throws {
        var file = DotenvFile(parsing: Array(text.utf8))
        #expect(file.serialized() == Array(text.utf8))
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("API_KEY") }! + 1
        #expect(throws: DotenvError.self) { try file.value(of: "API_KEY") }
        do {
            try file.setValue(Array("new".utf8), of: "API_KEY")
            Issue.record("an unreadable line was rewritten")
        } catch {
            #expect(error.description.contains("line \(line) assigns API_KEY"))
        }
        #expect(try file.value(of: "B") == (text.contains("B=2") ? Array("2".utf8) : nil), "other variables are still read")
    }

    @Test(arguments: ["X=\"open\nA=1", "X='open\nAPI_KEY=abc\n"])
    func aLineThatAnEarlierOpenQuoteWouldSwallowIsRefusedAndTheFileKept(text: String) throws {
        var file = DotenvFile(parsing: Array(text.utf8))
        do {
            try file.setValue(Array("# a' # b".utf8), of: "API_KEY")
            Issue.record("the new line would be read as part of X")
        } catch {
            #expect(error.description.contains("line 1 opens a quote it never closes"))
        }
        #expect(file.serialized() == Array(text.utf8))
    }

    @Test func aValueWithANulByteIsRefused() throws {
        var file = DotenvFile(parsing: Array("API_KEY=abc\n".utf8))
        #expect(throws: DotenvError.self) { try file.setValue([97, 0, 98], of: "API_KEY") }
        #expect(file.serialized() == Array("API_KEY=abc\n".utf8))
    }

    /// Random files built from the grammar's tricky pieces: parsing and serialising gives back the
    /// bytes, and any value set reads back exactly while every other line is kept.
    @Test func randomFilesRoundTripAndAnySetValueReadsBack() throws {
        var generator = SeededGenerator(seed: 0x5EED)
        let pieces = ["API_KEY", "B", "=", " ", "\t", "export ", "'", "\"", "\\", "#", " #", "\n", "\r\n", "\r", "abc", "$x", "`", "=\"", "='"]
        let valueBytes = Array("ab \t'\"\\$#`=\n\r!~é".utf8)
        for _ in 0..<3000 {
            let text = (0..<Int.random(in: 0...24, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let bytes = Array(text.utf8)
            var file = DotenvFile(parsing: bytes)
            #expect(file.serialized() == bytes, "\(text.debugDescription)")
            let value = (0..<Int.random(in: 0...12, using: &generator)).map { _ in valueBytes.randomElement(using: &generator)! }
            guard (try? file.value(of: "API_KEY")) != nil || !text.contains("API_KEY") else { continue }
            let otherBefore = try? file.value(of: "B")
            do {
                try file.setValue(value, of: "API_KEY")
            } catch {
                #expect(error.description.contains("opens a quote it never closes"), "\(text.debugDescription): \(error)")
                #expect(file.serialized() == bytes)
                continue
            }
            let reread = DotenvFile(parsing: file.serialized())
            #expect(try reread.value(of: "API_KEY") == value, "\(text.debugDescription) set to \(value)")
            #expect((try? reread.value(of: "B")) == otherBefore, "\(text.debugDescription)")
        }
    }
}
