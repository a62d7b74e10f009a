import Foundation
import KeyctlTestSupport
import Testing

/// The built binary: a rotation belongs to the process driving it, until that process is gone.
struct RotationOwnershipEndToEndTests {
    @Test func anotherProcessCannotResumeOrAbortWhileTheOwnerDeploysAndTakesOverOnceItIsKilled() async throws {
        let world = try RotationWorld()
        let original = try await world.addKey("blocked")
        let owner = try KeyctlProcess.start(["rotate", "blocked", "--env", "prod", "--yes"], environment: world.environment)
        // The owner has deployed to the dotenv file and is now inside the blocking hook.
        for _ in 0..<200 where world.deployedSecret("blocked") == original { usleep(50_000) }
        #expect(world.deployedSecret("blocked") != original)

        for action in ["--abort", "--resume"] {
            let refused = try world.keyctl("rotate", "blocked", "--env", "prod", action)
            #expect(refused.code == 75, "\(action): \(refused.stderr)")
            #expect(refused.stderr.contains("driven by pid \(owner.pid) on "), "\(refused.stderr)")
            #expect(refused.stderr.contains("Check that process first"))
        }

        owner.kill()
        #expect(owner.wait().killed)
        // The owner's hook died with it: released now, it does not go on to finish its deploy.
        world.folder.write("release", "")
        usleep(500_000)
        #expect(!FileManager.default.fileExists(atPath: world.folder.file("hook.log")), "the killed owner's hook ran on")
        let aborted = try world.keyctl("rotate", "blocked", "--env", "prod", "--abort")
        #expect(aborted.code == 0, "\(aborted.stderr)")
        #expect(try await world.problemsAfterAbort("blocked", original: original) == [])
        #expect(try String(contentsOfFile: world.folder.file("hook.log"), encoding: .utf8) == "restore\n")
        let audit = try world.keyctl("audit", "--key", "blocked", "--env", "prod", "--format", "json").stdout
        #expect(audit.contains("owner no longer runs"))
    }
}
