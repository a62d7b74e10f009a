import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import Exposure

@Suite struct ScanFileTreeTests {
    @Test func binaryHugeAndBrokenLinksAreSkippedAndCountedAndFolderLinksNotFollowed() async throws {
        let folder = TemporaryFolder()
        let token = ScanFixtures.githubToken()
        folder.write("app.env", "TOKEN=\(token)\n")
        try FileManager.default.createDirectory(atPath: folder.file("sub/.git"), withIntermediateDirectories: true)
        folder.write("sub/.git/config", "token = \(ScanFixtures.githubToken("c"))\n")
        folder.write("sub/binary.dat", "\u{0}\(ScanFixtures.githubToken("d"))")
        let huge = Data(repeating: UInt8(ascii: "x"), count: FileTreeScan.maximumFileSize + 1) + Data(ScanFixtures.githubToken("e").utf8)
        FileManager.default.createFile(atPath: folder.file("sub/huge.txt"), contents: huge)
        symlink("/nonexistent/target", folder.file("sub/broken"))
        symlink("..", folder.file("sub/loop"))
        symlink(folder.file("app.env"), folder.file("sub/linked.env"))

        var scan = SecretScan(paths: ["."], detectors: ScanDetectors(localPrefixes: []))
        scan.currentDirectory = folder.path
        let (hits, summary) = try await scan.collect()

        #expect(hits.map(\.finding.location.path) == ["app.env", "sub/linked.env"])
        #expect(hits.allSatisfy { ScanFixtures.secret($0) == token })
        #expect(summary.files == 2 && summary.binary == 1 && summary.tooLarge == 1)
        #expect(summary.brokenSymlinks == 1 && summary.directorySymlinks == 1)
    }

    @Test func aPathThatDoesNotExistIsBadInput() async {
        let scan = SecretScan(paths: ["/nonexistent/keyctl-scan"], detectors: ScanDetectors(localPrefixes: []))
        await #expect { try await scan.collect() } throws: { ($0 as? ScanError)?.kind == .badInput }
    }

    @Test func manyFilesScannedInParallelGiveEveryFindingOnceInPathOrder() async throws {
        let folder = TemporaryFolder()
        for index in 0..<300 {
            folder.write(String(format: "f%03d.txt", index), index % 3 == 0 ? "k = \(ScanFixtures.githubToken("\(index)"))\n" : "nothing here\n")
        }
        var scan = SecretScan(paths: [folder.path], detectors: ScanDetectors(localPrefixes: []))
        scan.currentDirectory = "/"
        let (hits, summary) = try await scan.collect()
        #expect(summary.files == 300)
        #expect(hits.count == 100)
        #expect(hits.map(\.finding.location.path) == hits.map(\.finding.location.path).sorted())
    }
}
