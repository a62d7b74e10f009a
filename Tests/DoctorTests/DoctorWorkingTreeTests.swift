import Doctor
import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import Exposure

struct DoctorWorkingTreeTests {
    @Test func envFilesNotIgnoredFailWhenPresentAndWarnOtherwise() async throws {
        let world = try DoctorWorld()
        #expect(await world.check("gitignore-env").outcome == .pass)
        world.project.write(".gitignore", "node_modules\n.env\n")
        let warn = await world.check("gitignore-env")
        #expect(warn.outcome == .warn)
        #expect(warn.detail.contains(".env.local"))
        world.project.write(".env.production", "A=1\n")
        let fail = await world.check("gitignore-env")
        #expect(fail.outcome == .fail)
        #expect(fail.detail.contains(".env.production"))
        world.project.write(".gitignore", "/.env*\n!.env.example\n")
        world.project.write(".env.example", "A=\n")
        #expect(await world.check("gitignore-env").outcome == .pass)
        world.project.write(".gitignore", ".env*\n!.env.production\n")
        #expect(await world.check("gitignore-env").outcome == .fail)
    }

    @Test func gitignoreOfTheRepositoryRootCoversASubfolder() async throws {
        var world = try DoctorWorld()
        try FileManager.default.createDirectory(atPath: world.project.file(".git/info"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: world.project.file("apps/web"), withIntermediateDirectories: true)
        world.project.write(".gitignore", "*.log\n")
        var subject = world.subject()
        subject.root = world.project.file("apps/web")
        #expect(await Doctor(subject: subject).run().checks.first { $0.id == "gitignore-env" }?.outcome == .warn)
        world.project.write(".git/info/exclude", ".env*\n")
        #expect(await Doctor(subject: subject).run().checks.first { $0.id == "gitignore-env" }?.outcome == .pass)
        world.project.write(".git/info/exclude", "")
        world.project.write(".gitignore", "apps/web/.env*\n")
        #expect(await Doctor(subject: subject).run().checks.first { $0.id == "gitignore-env" }?.outcome == .pass)
    }

    @Test(arguments: ["NEXT_PUBLIC_STRIPE_KEY", "VITE_API_KEY", "REACT_APP_KEY", "PUBLIC_KEY", "EXPO_PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_PK"])
    func publicVariableHoldingASecretKeyFails(name: String) async throws {
        let world = try DoctorWorld()
        let secret = stripeSecret()
        try FileManager.default.createDirectory(atPath: world.project.file("web"), withIntermediateDirectories: true)
        world.project.write("web/.env.local", "# comment\nSERVER_KEY=\(secret)\n\(name)=\(secret)\n")
        let check = await world.check("public-variables")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("web/.env.local:3 \(name) holds Stripe live secret key"))
        #expect(!check.detail.contains(secret))
    }

    @Test func publishableKeyAndServerVariablesPass() async throws {
        let world = try DoctorWorld()
        world.project.write(".env", "NEXT_PUBLIC_STRIPE_KEY=pk_live_\(String(repeating: "a", count: 24))\nSTRIPE_SECRET_KEY=\(stripeSecret())\n")
        let check = await world.check("public-variables")
        #expect(check.outcome == .pass)
        #expect(check.detail.hasPrefix("1 env file read"))
    }

    @Test func publicVariableHoldingARegisteredSecretFails() async throws {
        let world = try DoctorWorld()
        let opaque = "opaque-value-of-a-registered-key"
        try await world.add("maps", env: "dev", secret: opaque)
        world.project.write("frontend.env", "VITE_MAPS=\"\(opaque)\"\n")
        let check = await world.check("public-variables")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("frontend.env:1 VITE_MAPS holds the secret of maps@dev"))
    }

    @Test func treeLeaksWithoutScannerWarnsNotChecked() async throws {
        var world = try DoctorWorld()
        world.scanner = nil
        let check = await world.check("tree-leaks")
        #expect(check.outcome == .warn)
        #expect(check.detail.hasPrefix("not checked:"))
    }

    @Test func registeredKeyFoundByTheScannerFails() async throws {
        var world = try DoctorWorld()
        let secret = stripeSecret()
        try await world.add("checkout", secret: secret)
        let found = try #require(try await world.registry.identify(Secret(reading: secret).fingerprint))
        let finding = LeakFinding(evidence: .secret(try Secret(reading: secret)), rule: "stripe", location: LeakLocation(path: "src/pay.js", line: 12))
        world.scanner = FakeScanner(matches: [LeakMatch(finding: finding, verdict: .registered(found))])
        world.includeHistory = true
        let check = await world.check("tree-leaks")
        #expect(check.outcome == .fail)
        #expect(check.detail.contains("checkout@prod (current) at src/pay.js:12"))
        #expect(check.detail.contains("git history"))
        #expect(!check.detail.contains(secret))
        let unknown = LeakFinding(evidence: .secret(try Secret(reading: stripeSecret())), rule: "stripe", location: LeakLocation(path: "a.txt", line: 1))
        world.scanner = FakeScanner(matches: [LeakMatch(finding: unknown, verdict: .unknown)])
        #expect(await world.check("tree-leaks").outcome == .warn)
        world.scanner = FakeScanner(matches: [], failure: "cannot read history")
        let failed = await world.check("tree-leaks")
        #expect(failed.outcome == .warn)
        #expect(failed.detail == "not checked: cannot read history")
    }
}
