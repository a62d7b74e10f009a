import Foundation
import KeyStore
import Testing
@testable import Exposure

@Suite struct ScanDetectorTests {
    @Test func builtInFormatsAreFoundAndChecksumLookAlikesAndPublicKeysAreNot() {
        let token = ScanFixtures.githubToken()
        let text = """
            good = "\(token)"
            lookalike = "\(ScanFixtures.brokenChecksum(ScanFixtures.githubToken("b")))"
            aws = AKIAIOSFODNN7EXAMPLE
            inword = xAKIAIOSFODNN7EXAMPLF
            slack: xoxb-1234567890-abcdefghij
            google = "AIzaSyA1234567890abcdefghijklmnopqrstuv"
            stripe = sk_live_4eC39HqLyjWDarjtT1zdp7dc
            publishable = pk_live_4eC39HqLyjWDarjtT1zdp7dc
            """
        let hits = ScanFixtures.scan(text)
        #expect(hits.map(\.finding.rule) == ["github-pat", "aws-access-key-id", "slack-token", "google-api-key", "stripe-secret-key"])
        #expect(hits.map { $0.finding.location.line } == [1, 3, 5, 6, 7])
        #expect(ScanFixtures.secret(hits[0]) == token)
        #expect(hits[0].masked == "ghp_****" + token.suffix(4))
        #expect(hits[4].masked == "sk_live_****p7dc")
    }

    @Test func localKeysAreFoundByTheirConfiguredPrefixAndLookAlikesRejected() {
        let key = LocalKeyFormat.mint(prefix: "sk_prod_")
        var broken = Array(key)
        broken[20] = broken[20] == "a" ? "b" : "a"
        let defaultKey = LocalKeyFormat.mint(prefix: "sk_")
        let hits = ScanFixtures.scan("A=\(key)\nB=\(String(broken))\nC=\(defaultKey).\n", localPrefixes: ["sk_{env}_"])
        #expect(hits.map(\.finding.rule) == [TokenScanner.localRule, TokenScanner.localRule])
        #expect(hits.map(ScanFixtures.secret) == [key, defaultKey])
        #expect(hits[0].masked == "sk_prod_****" + key.suffix(4))
    }

    @Test func aLocalKeyWithAStripeLikePrefixIsReportedOnceAsLocal() {
        let key = LocalKeyFormat.mint(prefix: "sk_live_")
        let hits = ScanFixtures.scan("KEY=\(key)\n", localPrefixes: ["sk_live_"])
        #expect(hits.map(\.finding.rule) == [TokenScanner.localRule])
    }

    @Test(arguments: [
        ("short", "****"), ("abcdefghijklmnop", "****mnop"), ("sk_live_abcdefghijkl", "sk_live_****"), ("sk_live_abcdefghijklmnop", "sk_live_****mnop"),
    ])
    func maskingKeepsThePublicPrefixAndAtMostTheLastFour(secret: String, masked: String) {
        let prefix = secret.hasPrefix("sk_live_") ? 8 : 0
        #expect(ScanHit.masked(Array(secret.utf8), publicPrefixLength: prefix) == masked)
    }
}
