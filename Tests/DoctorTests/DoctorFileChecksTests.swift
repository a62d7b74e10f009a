import Adapters
import Doctor
import Foundation
import GRDB
import KeyStore
import KeyctlTestSupport
import Testing

struct DoctorFileChecksTests {
    @Test func configReadableByOthersFailsAndByGroupWarns() async throws {
        var world = try DoctorWorld()
        world.configure("[policy]\nmax_age = \"90d\"\n")
        #expect(await world.check("config-permissions").outcome == .pass)
        chmod(world.configPath, 0o640)
        #expect(await world.check("config-permissions").outcome == .warn)
        chmod(world.configPath, 0o644)
        let check = await world.check("config-permissions")
        #expect(check.outcome == .fail)
        #expect(check.fix == "chmod 600 \(world.configPath)")
    }

    @Test func configThatDoesNotLoadFailsWithItsLine() async throws {
        var world = try DoctorWorld()
        world.configure("[policy]\nmax_age = \"90d\"\nsurprise = 1\n")
        let check = await world.check("config")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("keyctl.toml:3"))
    }

    @Test func inlineSecretInConfigFailsNamingTheLineOnly() async throws {
        var world = try DoctorWorld()
        let registered = stripeSecret()
        try await world.add("checkout", secret: registered)
        world.configure(world.rotationConfig())
        #expect(await world.check("config-inline-secrets").outcome == .pass)
        let token = "xoxb-" + String(repeating: "7", count: 24)
        world.configure(world.rotationConfig("""

            [verifiers.slack]
            type = "http"
            url = "https://slack.example.test/auth.test"
            headers = ["Authorization: Bearer \(token)"]
            """))
        let shaped = await world.check("config-inline-secrets")
        #expect(shaped.outcome == .fail)
        #expect(shaped.detail.contains("keyctl.toml:23 verifiers.slack.headers holds Slack token"))
        #expect(!shaped.detail.contains(token))
        // A secret of no known shape is still found by its registered fingerprint.
        let plain = "opaque-registered-value-123"
        try await world.add("legacy", secret: plain)
        world.configure(world.rotationConfig("""

            [issuers.legacy]
            type = "exec"
            command = ["/usr/local/bin/mint", "--admin=\(plain)"]
            """))
        let registeredCheck = await world.check("config-inline-secrets")
        #expect(registeredCheck.outcome == .fail)
        #expect(registeredCheck.detail.contains("issuers.legacy.command holds the secret of legacy@prod"))
        #expect(!registeredCheck.detail.contains(plain))
    }

    @Test func localFormatKeyIsRecognisedByItsChecksum() async throws {
        var world = try DoctorWorld()
        let minted = LocalKeyFormat.mint(prefix: "acme_prod_")
        let local = "[issuers.acme]\ntype = \"local\"\nprefix = \"acme_prod_\"\n"
        world.configure(local + "[issuers.x]\ntype = \"exec\"\ncommand = [\"/bin/x\", \"\(minted)\"]\n")
        #expect(await world.check("config-inline-secrets").detail.contains("keyctl local key"))
        let lookAlike = String(minted.dropLast()) + (minted.last == "A" ? "B" : "A")
        world.configure(local + "[issuers.x]\ntype = \"exec\"\ncommand = [\"/bin/x\", \"\(lookAlike)\"]\n")
        #expect(await world.check("config-inline-secrets").outcome == .pass)
    }

    @Test func plainHTTPEndpointFails() async throws {
        var world = try DoctorWorld()
        world.configure(world.rotationConfig("""

            [targets.vault]
            type = "vault"
            path = "apps/{name}"
            field = "key"
            """))
        world.environment["VAULT_ADDR"] = "https://vault.example.test:8200"
        #expect(await world.check("endpoints-https").outcome == .pass)
        world.environment["VAULT_ADDR"] = "http://127.0.0.1:8200"
        #expect(await world.check("endpoints-https").outcome == .pass)
        world.environment["VAULT_ADDR"] = "http://vault.example.test:8200"
        let check = await world.check("endpoints-https")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("[targets.vault]"))
    }

    @Test func registryOpenToOthersOrSymlinkedFails() async throws {
        let world = try DoctorWorld()
        #expect(await world.check("registry-file").outcome == .pass)
        chmod(world.test.path, 0o644)
        let open = await world.check("registry-file")
        #expect(open.outcome == .fail)
        #expect(open.fix == "chmod 600 \(world.test.path)")
        chmod(world.test.path, 0o600)
        let link = world.home.file("linked.db")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: world.test.path)
        var subject = world.subject()
        subject.registryPath = link
        let linked = await Doctor(subject: subject).run().checks.first { $0.id == "registry-file" }!
        #expect(linked.outcome == .fail)
        #expect(linked.detail.contains("symbolic link"))
    }

    @Test func custodyKeyFileOpenToOthersFails() async throws {
        var world = try DoctorWorld()
        world.configure(world.rotationConfig())
        #expect(await world.check("custody-key-file").detail.contains("does not exist yet"))
        let path = world.home.write("custody.key", "AAAA\n")
        chmod(path, 0o600)
        #expect(await world.check("custody-key-file").outcome == .pass)
        chmod(path, 0o604)
        #expect(await world.check("custody-key-file").outcome == .fail)
        world.environment["KEYCTL_MASTER_KEY"] = "c2VjcmV0"
        #expect(await world.check("custody-key-file").outcome == .pass)
    }

    @Test func envFileOpenToGroupFailsAndSymlinkWarns() async throws {
        var world = try DoctorWorld()
        try await world.add("checkout")
        world.configure(world.rotationConfig())
        let path = world.writeEnvFile("checkout-prod.env", "API_KEY=x\n")
        #expect(await world.check("env-file-permissions").outcome == .pass)
        chmod(path, 0o640)
        let open = await world.check("env-file-permissions")
        #expect(open.outcome == .fail)
        #expect(open.fix == "chmod 600 \(path)")
        try FileManager.default.moveItem(atPath: path, toPath: world.home.file("real.env"))
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: world.home.file("real.env"))
        #expect(await world.check("env-file-permissions").outcome == .warn)
    }

    @Test func editedAuditEventFailsTheChain() async throws {
        let world = try DoctorWorld()
        try await world.add("checkout")
        try await world.add("search")
        #expect(await world.check("audit-chain").outcome == .pass)
        let queue = try DatabaseQueue(path: world.test.path)
        try await queue.write { try $0.execute(sql: "UPDATE audit_events SET actor = 'mallory' WHERE seq = 2") }
        let check = await world.check("audit-chain")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("broken at event 2"))
    }

    @Test func auditAnchorMissingWarnsAndEmptiedFails() async throws {
        var world = try DoctorWorld()
        try await world.add("checkout")
        #expect(await world.check("audit-anchor").outcome == .warn)
        try await world.anchorAudit()
        #expect(await world.check("audit-anchor").outcome == .pass)
        world.home.write("audit.checkpoints", "")
        let check = await world.check("audit-anchor")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("holds no checkpoint"))
    }
}
