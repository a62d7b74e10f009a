import Testing
import KeyctlTestSupport
@testable import Exposure

/// The promises the `scanner-report` fuzz target checks, on the fixtures cut short at every byte and
/// on seeded random damage: a report parses or is refused with a one-line error naming the file,
/// and no error quotes a secret.
struct ScannerReportPropertyTests {
    static let fixtures = [
        ReportFixtures.gitleaksJSON, ReportFixtures.gitleaksSARIF, ReportFixtures.truffleHog,
        ReportFixtures.detectSecrets(hashedSecret: "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8"),
    ]

    private func expectPromisesKept(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let report = try ScannerReport(parsing: bytes, file: "report")
            #expect(report.leaks.allSatisfy { !$0.finding.location.path.isEmpty }, sourceLocation: sourceLocation)
        } catch {
            let text = error.description
            #expect(error.file == "report" && !text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
            for secret in [ReportFixtures.stripeSecret, ReportFixtures.githubSecret] {
                #expect(!text.contains(secret.prefix(12)), "\(text)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: fixtures)
    func everyTruncationParsesOrIsRefusedOnOneLine(fixture: String) {
        let bytes = Array(fixture.utf8)
        for end in 0...bytes.count { expectPromisesKept(Array(bytes[..<end])) }
    }

    @Test(arguments: fixtures)
    func randomDamageParsesOrIsRefusedOnOneLine(fixture: String) {
        var random = SeededGenerator(seed: 0x5ca1)
        let bytes = Array(fixture.utf8)
        let alphabet = Array(#"{}[]",:"0123456789 \nRawSecretFile-"#.utf8)
        for _ in 0..<300 {
            var damaged = bytes
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let index = Int.random(in: 0..<damaged.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: damaged.remove(at: index)
                case 1: damaged[index] = alphabet.randomElement(using: &random)!
                default: damaged.insert(alphabet.randomElement(using: &random)!, at: index)
                }
            }
            expectPromisesKept(damaged)
        }
    }
}
