import Testing
import KeyStore
@testable import keyctl

@Suite struct RotationTallyTests {
    @Test func aKeyRotatedByAnotherRunIsCountedAsSkippedNotFailed() {
        let output = CapturedOutput(), errors = CapturedOutput()
        let tally = RotationTally(total: 2, sink: output, errors: errors, live: false)
        let skip = KeyStoreError(.superseded, "skipped: another run began rotation r-1 of this key")
        tally.record(KeyName("checkout")!, EnvironmentName("prod")!, .failure(skip))
        tally.record(KeyName("billing")!, EnvironmentName("prod")!, .failure(KeyStoreError(.failed, "issuer said no")))
        tally.finish()
        #expect(output.text.contains("checkout (prod): skipped: another run began rotation r-1"))
        #expect(output.text.contains("0 of 2 rotated, 1 failed, 1 skipped (rotated by another run)"))
        #expect(tally.worstExitCode == ExitStatus.failure)
    }
}
