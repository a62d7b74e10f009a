import Doctor
import Foundation
import KeyStore
import KeyctlConfig
import KeyctlTestSupport
import Testing

struct DoctorKeyChecksTests {
    @Test func keyWithoutOwnerWarns() async throws {
        let world = try DoctorWorld()
        try await world.add("checkout")
        #expect(await world.check("key-ownership").outcome == .pass)
        try await world.add("search", env: "dev", owner: nil)
        let check = await world.check("key-ownership")
        #expect(check.outcome == .warn)
        #expect(check.detail.contains("search@dev"))
        #expect(check.fix == "keyctl update search --env dev --owner TEAM (for each)")
    }

    @Test func wildcardScopeFailsUnlessAllowed() async throws {
        var world = try DoctorWorld()
        try await world.add("ci-admin", env: "dev", scopes: "*")
        try await world.add("reader", scopes: "orders:*")
        let failing = await world.check("wildcard-scope")
        #expect(failing.outcome == .fail)
        #expect(failing.detail.contains("ci-admin@dev"))
        #expect(!failing.detail.contains("reader"))
        world.configure("[policy]\nwildcard_allowed = [\"ci-admin@dev\"]\n")
        #expect(await world.check("wildcard-scope").outcome == .pass)
        world.configure("[policy]\nwildcard_allowed = [\"ci-admin\"]\n")
        #expect(await world.check("wildcard-scope").outcome == .pass)
        world.configure("[policy]\nwildcard_allowed = [\"ci-admin@prod\"]\n")
        #expect(await world.check("wildcard-scope").outcome == .fail)
    }

    @Test(arguments: [
        ("[policy]\nwildcard_allowed = \"ci-admin\"\n", 2),
        ("[policy]\nmax_age = \"90d\"\nwildcard_allowed = [\"ci admin@dev\"]\n", 3),
        ("[policy]\nwildcard_allowed = [\"ci-admin@dev@prod\"]\n", 2),
    ])
    func badWildcardAllowanceNamesItsLine(text: String, line: Int) throws {
        let error = #expect(throws: ConfigError.self) { try KeyctlConfiguration(parsing: text, file: "keyctl.toml") }
        #expect(error?.line == line)
    }

    @Test func overdueAndCompromisedKeysFailAndDueKeysWarn() async throws {
        let world = try DoctorWorld()
        try await world.add("checkout")
        #expect(await world.check("key-health").outcome == .pass)
        world.clock.advance(by: .days(80))
        let due = await world.check("key-health")
        #expect(due.outcome == .warn)
        #expect(due.detail.contains("checkout@prod"))
        world.clock.advance(by: .days(11))
        let overdue = await world.check("key-health")
        #expect(overdue.outcome == .fail)
        #expect(overdue.fix?.contains("keyctl rotate --overdue") == true)
        try await world.add("search", env: "dev")
        _ = try await world.registry.markCompromised(name: KeyName("search")!, env: EnvironmentName("dev")!, reason: "pasted in chat", actor: "tester")
        let compromised = await world.check("key-health")
        #expect(compromised.outcome == .fail)
        #expect(compromised.detail.contains("search@dev"))
        #expect(compromised.fix == "keyctl rotate search --env dev --emergency")
    }

    @Test func rotationSetupNeedsIssuerTargetAndVerifier() async throws {
        var world = try DoctorWorld()
        try await world.add("checkout")
        #expect(await world.check("rotation-setup").detail == "no key is set up for rotation in keyctl.toml")
        world.configure(world.rotationConfig())
        #expect(await world.check("rotation-setup").outcome == .pass)
        world.configure("""
            [issuers.local]
            type = "local"
            prefix = "sk_"

            [keys.checkout]
            issuer = "local"
            """)
        let broken = await world.check("rotation-setup")
        #expect(broken.outcome == .fail)
        #expect(broken.detail.contains("checkout@prod (no target)"))
        world.configure("""
            [issuers.local]
            type = "local"
            prefix = "sk_"

            [targets.app]
            type = "env-file"
            path = "/tmp/app.env"
            variable = "API_KEY"

            [keys.checkout]
            issuer = "local"
            targets = ["app"]
            """)
        let unverified = await world.check("rotation-setup")
        #expect(unverified.outcome == .warn)
        #expect(unverified.fix == "set verifier in [keys.checkout] (or [rotation]) of keyctl.toml")
    }

    @Test func verificationMustBeRecentAndSuccessful() async throws {
        var world = try DoctorWorld()
        try await world.add("checkout")
        world.configure(world.rotationConfig())
        let never = await world.check("recent-verify")
        #expect(never.outcome == .warn)
        #expect(never.fix == "keyctl verify checkout --env prod (run it from cron daily)")
        let name = KeyName("checkout")!, env = EnvironmentName("prod")!
        _ = try await world.registry.recordVerification(name: name, env: env, succeeded: true, detail: "ok", actor: "tester")
        world.clock.advance(by: .days(6))
        #expect(await world.check("recent-verify").outcome == .pass)
        world.clock.advance(by: .days(2))
        #expect(await world.check("recent-verify").outcome == .warn)
        _ = try await world.registry.recordVerification(name: name, env: env, succeeded: false, detail: "rejected", actor: "tester")
        #expect(await world.check("recent-verify").outcome == .fail)
    }

    @Test func secretSharedBetweenEnvironmentsFails() async throws {
        var world = try DoctorWorld()
        let secret = stripeSecret()
        try await world.add("checkout", secret: secret)
        try await world.add("checkout", env: "dev")
        world.configure(world.rotationConfig())
        world.writeEnvFile("checkout-prod.env", "API_KEY=\(secret)\n")
        world.writeEnvFile("checkout-dev.env", "API_KEY=\(stripeSecret())\n")
        #expect(await world.check("shared-secret").outcome == .pass)
        world.writeEnvFile("checkout-dev.env", "OTHER=1\nAPI_KEY=\"\(secret)\"\n")
        let shared = await world.check("shared-secret")
        #expect(shared.outcome == .fail)
        #expect(shared.detail.contains("checkout@dev and checkout@prod hold the same secret"))
        #expect(shared.detail.contains("holds a secret of checkout@prod"))
    }

    @Test func deployedSecretRegisteredToAnotherKeyFails() async throws {
        var world = try DoctorWorld()
        let searchSecret = stripeSecret()
        try await world.add("checkout")
        try await world.add("search", secret: searchSecret)
        world.configure(world.rotationConfig())
        world.writeEnvFile("checkout-prod.env", "API_KEY=\(searchSecret)\n")
        let check = await world.check("shared-secret")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("(target of checkout@prod) holds a secret of search@prod"))
    }

    @Test func unreadableEnvFileIsAWarningNotACrash() async throws {
        var world = try DoctorWorld()
        try await world.add("checkout")
        world.configure(world.rotationConfig())
        try FileManager.default.createDirectory(atPath: world.home.file("checkout-prod.env"), withIntermediateDirectories: true)
        let check = await world.check("shared-secret")
        #expect(check.outcome == .warn)
        #expect(check.detail.contains("is not a regular file"))
    }
}
