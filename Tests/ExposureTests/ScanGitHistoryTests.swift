import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import Exposure

@Suite struct ScanGitHistoryTests {
    private func history(_ repository: GitFixture, allBranches: Bool = false) async throws -> [ScanHit] {
        var scan = SecretScan(paths: [repository.path], detectors: ScanDetectors(localPrefixes: []))
        scan.git = true
        scan.allBranches = allBranches
        return try await scan.collect().hits
    }

    @Test func historyFindsRemovedKeysMergedBranchesAndWithAllBranchesTheRest() async throws {
        let repository = try GitFixture()
        let removed = ScanFixtures.githubToken("r"), merged = ScanFixtures.githubToken("m"), stray = ScanFixtures.githubToken("s")
        repository.write("config/app.env", "A=1\nTOKEN=\(removed)\n")
        repository.write("notes.txt", "nothing\n")
        let added = try repository.commit("add a key", date: "2026-01-02T03:04:05Z")
        repository.write("config/app.env", "A=1\n")
        _ = try repository.commit("remove it")
        try repository.git("checkout", "-q", "-b", "feature")
        repository.write("feature.py", [UInt8]("caf".utf8) + [0xE9] + Array(" = '\(merged)'\n".utf8))
        _ = try repository.commit("feature with latin-1 bytes")
        try repository.git("checkout", "-q", "main")
        repository.write("other.txt", "main moves on\n")
        _ = try repository.commit("main work")
        try repository.git("merge", "-q", "--no-ff", "-m", "merge feature", "feature")
        try repository.git("mv", "notes.txt", "renamed notes.txt")
        _ = try repository.commit("rename")
        try repository.git("checkout", "-q", "-b", "stray")
        repository.write("stray.txt", "T=\(stray)\n")
        repository.write("blob.bin", [0, 1, 2] + Array(ScanFixtures.githubToken("b").utf8))
        _ = try repository.commit("stray branch")
        try repository.git("checkout", "-q", "main")

        let head = try await history(repository)
        #expect(head.map(ScanFixtures.secret) == [removed, merged])
        let first = head[0].finding.location
        #expect(first.path == "config/app.env" && first.line == 2 && first.commit == added)
        #expect(first.author == "Ann Dev <ann@example.com>" && first.date == Timestamp.parse("2026-01-02T03:04:05Z"))
        #expect(head[1].finding.location.path == "feature.py")

        // Every diff is read as text: a key in a binary blob is found too.
        let all = try await history(repository, allBranches: true)
        #expect(Set(all.map(ScanFixtures.secret)) == [removed, merged, stray, ScanFixtures.githubToken("b")])
    }

    @Test(arguments: [
        ["config", "core.bigFileThreshold", "1"], ["config", "i18n.logOutputEncoding", "UTF-16"], ["config", "log.showRoot", "false"],
        ["config", "diff.noprefix", "true"], ["config", "color.ui", "always"], ["config", "diff.relative", "true"],
    ])
    func whatTheRepositoryConfiguresCannotHideAKeyFromTheHistoryScan(setting: [String]) async throws {
        let repository = try GitFixture()
        let key = ScanFixtures.githubToken("k")
        repository.write("prod.env", "TOKEN=\(key)\n")
        _ = try repository.commit("root commit with a key")
        try repository.git("rm", "-q", "prod.env")
        _ = try repository.commit("remove it")
        _ = try repository.git(setting)
        #expect(try await history(repository).map(ScanFixtures.secret) == [key], "\(setting)")
    }

    @Test func committedAttributesAndReplaceRefsCannotHideAKeyFromTheHistoryScan() async throws {
        let repository = try GitFixture()
        repository.write(".gitattributes", "* -diff\n")
        _ = try repository.commit("attributes first")
        let key = ScanFixtures.githubToken("h")
        repository.write("prod.env", "TOKEN=\(key)\n")
        _ = try repository.commit("a key")
        try repository.git("rm", "-q", "prod.env")
        _ = try repository.commit("remove it")
        _ = try repository.git("replace", "--graft", "HEAD")
        #expect(try await history(repository).map(ScanFixtures.secret) == [key])
    }

    @Test func aFolderOutsideAnyRepositoryIsBadInput() async throws {
        let folder = TemporaryFolder()
        var scan = SecretScan(paths: [folder.path], detectors: ScanDetectors(localPrefixes: []))
        scan.git = true
        await #expect { try await scan.collect() } throws: { error in
            guard let error = error as? ScanError else { return false }
            return error.kind == .badInput && error.description.contains("not a git repository")
        }
    }

    @Test func anEmptyRepositoryHasNoHistory() async throws {
        let repository = try GitFixture()
        #expect(try await history(repository).isEmpty)
    }

    @Test func theParserKeepsLineNumbersUnquotesPathsAndTreatsHeaderLookalikesInHunksAsContent() {
        let log = """
            \u{0}aaaa\u{0}1767323045\u{0}Ann <a@x>

            diff --git a/x.txt b/x.txt
            --- a/x.txt
            +++ b/x.txt
            @@ -1,0 +3,2 @@ context
            +first
            ++++ b/not-a-header
            \\ No newline at end of file
            @@ -9 +20 @@
            -removed
            +twentieth
            diff --git a/old b/gone
            deleted file mode 100644
            --- a/gone
            +++ /dev/null
            @@ -1 +0,0 @@
            -bye
            diff --git "a/t\\303\\251st" "b/t\\303\\251st file"
            new file mode 100644
            --- /dev/null
            +++ "b/t\\303\\251st file"\t
            @@ -0,0 +1 @@
            +é
            diff --git a/bin b/bin
            Binary files a/bin and b/bin differ
            \u{0}bbbb\u{0}1767323046\u{0}Bob <b@x>
            """
        let (files, commits) = GitLogParser.parse(Array(log.utf8))
        #expect(commits == 2)
        #expect(files.map(\.path) == ["x.txt", "tést file"])
        #expect(files[0].lineNumbers == [3, 4, 20])
        #expect(String(decoding: files[0].text, as: UTF8.self) == "first\n+++ b/not-a-header\ntwentieth\n")
        #expect(files[0].commit == "aaaa" && files[0].author == "Ann <a@x>")
        #expect(files[1].lineNumbers == [1])
    }

    @Test func theParserSurvivesArbitraryBytes() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let pieces = ["\u{0}c\u{0}1\u{0}a\n", "diff --git a/x b/x\n", "+++ b/x\n", "+++ \"b/\\", "@@ -1 +", "@@ -0,0 +99999999999999999999 @@\n", "+k\n", "\n", "\u{FF}"]
            let text = (0..<30).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
            let (files, _) = GitLogParser.parse(Array(text.utf8))
            #expect(files.allSatisfy { $0.lineNumbers.count == $0.text.filter { $0 == 0x0A }.count })
        }
    }
}
