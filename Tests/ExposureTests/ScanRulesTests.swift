import Foundation
import KeyStore
import Testing
@testable import Exposure

@Suite struct ScanRulesTests {
    private let config = #"""
        title = "team config"
        [extend]
        useDefault = true

        [[rules]]
        id = "internal-token"
        description = "Internal service token"
        regex = '''(?i)internal[_-]token\s*[:=]\s*["']?(?P<prefix>it_)?([a-z0-9]{24})["']?'''
        secretGroup = 2
        entropy = 3.0
        keywords = ["Internal_Token", "internal-token"]

            [[rules.allowlists]]
            stopwords = ["example"]

            [[rules.allowlists]]
            condition = "AND"
            regexTarget = "line"
            regexes = ['''#\s*fixture''']
            paths = ['''^tests/''']

        [[rules]]
        id = "only-in-yaml"
        regex = '''vendor_secret:\s*(\w{20})'''
        path = '''\.ya?ml$'''

        [[rules]]
        id = "files-only"
        path = '''\.pem$'''

        [[allowlists]]
        paths = ['''^vendor/''']
        """#

    private func rules() throws -> GitleaksRuleSet { try GitleaksRuleSet(parsing: config, file: "team.toml") }

    @Test func secretGroupKeywordsEntropyAndAllowlistsApply() throws {
        let set = try rules()
        #expect(set.ruleIDs == ["internal-token", "only-in-yaml"])
        #expect(set.warnings.count == 2)
        let text = """
            INTERNAL_TOKEN = "it_q8w7e6r5t4y3u2i1o0p9a8s7"
            internal_token: "aaaaaaaaaaaaaaaaaaaaaaaa"
            internal-token = 'exampleq8w7e6r5t4y3u2i1o0'
            """
        let hits = ScanFixtures.scan(text, path: "src/app.py", rules: set)
        #expect(hits.map(\.finding.rule) == ["internal-token"])
        #expect(hits.map(ScanFixtures.secret) == ["q8w7e6r5t4y3u2i1o0p9a8s7"])
        #expect(hits[0].finding.location.line == 1 && hits[0].masked == "****a8s7")

        let fixture = "internal_token = 'z9x8c7v6b5n4m3l2k1j0h9g8' # fixture\n"
        #expect(ScanFixtures.scan(fixture, path: "tests/a.py", rules: set).isEmpty)
        #expect(ScanFixtures.scan(fixture, path: "src/a.py", rules: set).count == 1)
    }

    @Test func pathRestrictedRulesAndGlobalAllowlistsCoverBuiltInFindingsToo() throws {
        let set = try rules()
        let yaml = "vendor_secret: abcdefghij0123456789\n"
        #expect(ScanFixtures.scan(yaml, path: "deploy.yaml", rules: set).map(\.finding.rule) == ["only-in-yaml"])
        #expect(ScanFixtures.scan(yaml, path: "deploy.json", rules: set).isEmpty)
        let token = "t = \(ScanFixtures.githubToken())\n"
        #expect(ScanFixtures.scan(token, path: "vendor/lib.py", rules: set).isEmpty)
        #expect(ScanFixtures.scan(token, path: "src/lib.py", rules: set).count == 1)
    }

    @Test func withoutAKeywordTheExpressionIsNotRun() throws {
        let set = try GitleaksRuleSet(parsing: "[[rules]]\nid = \"k\"\nregex = '''[a-z]{30}'''\nkeywords = [\"zebra\"]\n", file: "r.toml")
        #expect(ScanFixtures.scan("abcdefghijklmnopqrstuvwxyzabcd\n", rules: set).isEmpty)
        #expect(ScanFixtures.scan("ZEBRA abcdefghijklmnopqrstuvwxyzabcd\n", rules: set).count == 1)
    }

    @Test(arguments: [
        ("[[rules]]\nid = \"broken-rule\"\nregex = '''([a-z'''\n", "broken-rule"),
        ("[[rules]]\nid = \"group\"\nregex = '''(a)'''\nsecretGroup = 3\n", "secretGroup 3"),
        ("[[rules]]\nregex = '''a'''\n", "has no id"),
        ("[[rules]]\nid = \"t\"\nregex = 5\n", "regex must be a string"),
        ("[[rules]]\nid = \"al\"\nregex = '''a'''\n[[rules.allowlists]]\nregexTarget = \"everything\"\n", "regexTarget"),
        ("rules = [", "not valid TOML"),
        ("[[rules]]\nid = \"pw\\u001b]0;T\\u0007\\u202e\"\nregex = '''a'''\n", "id with control characters"),
    ])
    func aConfigThatCannotBeUsedIsBadInputNamingTheProblem(text: String, expected: String) {
        #expect {
            try GitleaksRuleSet(parsing: text, file: "team.toml")
        } throws: { error in
            guard let error = error as? ScanError else { return false }
            return error.kind == .badInput && error.description.contains("team.toml") && error.description.contains(expected)
        }
    }

    @Test func aRuleWhoseRegexBacktracksIsGivenUpAtTheTimeLimitNotRunForever() throws {
        let set = try GitleaksRuleSet(parsing: "[[rules]]\nid = \"redos\"\nregex = '''(a+)+$'''\n", file: "team.toml")
        let scanner = FragmentScanner(ScanDetectors(localPrefixes: [], rules: set))
        var hits: [ScanHit] = []
        let started = Date()
        Array((String(repeating: "a", count: 5_000) + "!\n").utf8).withUnsafeBufferPointer {
            scanner.scan($0, ScanFragment(path: "slow.txt"), into: &hits)
        }
        #expect(Date().timeIntervalSince(started) < FragmentScanner.ruleTimeLimit * 10)
        #expect(scanner.ruleTimeouts == 1)
        #expect(hits.isEmpty)
    }

    @Test func entropyIsShannonBitsPerCharacter() {
        #expect(FragmentScanner.entropy(of: "aaaa") == 0)
        #expect(FragmentScanner.entropy(of: "abcd") == 2)
    }
}
