import Foundation
import KeyctlTestSupport
import Testing

/// The built binary rotating keys through exec hooks that misbehave: they print the secret they
/// were given on stderr (raw, base64, in a header, in JSON), or look for keyctl's credentials in
/// their environment.
struct HookSecretLeakEndToEndTests {
    /// A RotationWorld with three more adapters and the keys bound to them.
    static func world() throws -> RotationWorld {
        let world = try RotationWorld()
        let leakyTarget = world.folder.write("leaky-target.sh", """
            secret=$(cat)
            echo "cannot deploy $secret; base64 $(printf %s "$secret" | base64 | tr -d '\\n'); Authorization: Bearer $secret" >&2
            exit 3
            """)
        let leakyVerifier = world.folder.write("leaky-verifier.sh", """
            secret=$(cat)
            echo "key $secret rejected: {\\"key\\":\\"$secret\\"} X-Api-Key: $secret" >&2
            exit 1
            """)
        let dumpEnvironment = world.folder.write("dump-env.sh", "cat > /dev/null; env > \(world.folder.file("hook-env.txt"))\n")
        let config = try String(contentsOfFile: world.folder.file("keyctl.toml"), encoding: .utf8)
        world.folder.write("keyctl.toml", config + """


            [targets.leaky-hook]
            type = "exec"
            command = ["sh", "\(leakyTarget)"]

            [targets.env-dump]
            type = "exec"
            command = ["sh", "\(dumpEnvironment)"]
            env = ["PASSED_THROUGH"]

            [verifiers.leaky]
            type = "exec"
            command = ["sh", "\(leakyVerifier)"]

            [keys.deployfail]
            targets = ["app-env", "leaky-hook"]

            [keys.verifyfail]
            verifier = "leaky"

            [keys.envdump]
            targets = ["app-env", "env-dump"]
            """)
        return world
    }

    @Test func hooksPrintingTheirSecretLeaveItInNoOutputAuditRotationOrRegistryByte() async throws {
        let world = try Self.world()
        let oldDeploy = try await world.addKey("deployfail")
        let failedDeploy = try world.keyctl("rotate", "deployfail", "--env", "prod", "--yes")
        #expect(failedDeploy.code == 1, "\(failedDeploy.stderr)")
        #expect(failedDeploy.stderr.contains("cannot deploy <redacted>; base64 <redacted>; Authorization: <redacted>"), "\(failedDeploy.stderr)")
        let newDeploy = try #require(world.deployedSecret("deployfail"))
        #expect(newDeploy != oldDeploy)
        // Abort hands the hook the old secret, which it prints too.
        let aborted = try world.keyctl("rotate", "deployfail", "--env", "prod", "--abort")
        #expect(aborted.code != 0)
        #expect(aborted.stderr.contains("cannot deploy <redacted>"), "\(aborted.stderr)")

        let oldVerify = try await world.addKey("verifyfail")
        let failedVerify = try world.keyctl("rotate", "verifyfail", "--env", "prod", "--yes")
        #expect(failedVerify.code != 0)
        #expect(failedVerify.stderr.contains("key <redacted> rejected"), "\(failedVerify.stderr)")
        let newVerify = try #require(world.deployedSecret("verifyfail"))
        let verified = try world.keyctl("verify", "verifyfail", "--env", "prod")
        #expect(verified.code == 1)
        #expect(verified.stdout.contains("rejected by leaky: key <redacted> rejected"), "\(verified.stdout)")

        let audit = try world.keyctl("audit", "--format", "json")
        let rotations = try world.keyctl("rotations", "--format", "json")
        #expect(audit.code == 0 && rotations.code == 0)
        #expect(rotations.stdout.contains("<redacted>"), "the failure is recorded, redacted")
        let secrets = [oldDeploy, newDeploy, oldVerify, newVerify]
        let encoded = secrets.map { Data($0.utf8).base64EncodedString() }
        #expect(secretLeaks(of: secrets + encoded, printed: world.everythingPrinted, registry: world.folder.file("registry.db")) == [])
    }

    @Test func aHookGetsTheAllowlistAndItsPassThroughNamesNotKeyctlsCredentials() async throws {
        let world = try Self.world()
        _ = try await world.addKey("envdump")
        let rotation = try world.keyctl(
            "rotate", "envdump", "--env", "prod", "--yes",
            extra: ["VAULT_TOKEN": "hvs.not-for-hooks", "AWS_SECRET_ACCESS_KEY": "wJalr-not-for-hooks", "PASSED_THROUGH": "yes-passed", "LANG": "C.UTF-8"])
        #expect(rotation.code == 0, "\(rotation.stderr)")
        let environment = try String(contentsOfFile: world.folder.file("hook-env.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(environment.contains("PASSED_THROUGH=yes-passed"))
        #expect(environment.contains("LANG=C.UTF-8"))
        #expect(environment.contains("KEYCTL_ACTION=deploy"))
        #expect(environment.contains { $0.hasPrefix("PATH=") })
        for name in ["VAULT_TOKEN", "AWS_SECRET_ACCESS_KEY", "KEYCTL_DB", "KEYCTL_CONFIG", "PROVIDER_URL", "XDG_CONFIG_HOME"] {
            #expect(!environment.contains { $0.hasPrefix(name + "=") }, "the hook got \(name)")
        }
    }
}
