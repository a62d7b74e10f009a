import Doctor
import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

struct DoctorReportTests {
    @Test func healthySetupPassesEveryCheck() async throws {
        let (world, _) = try await DoctorWorld.healthy()
        let report = await world.report()
        let notPassing = report.checks.filter { $0.outcome != .pass }.map { "\($0.id): \($0.detail)" }
        #expect(notPassing.isEmpty, "\(notPassing)")
        #expect(report.worst == .pass)
        #expect(report.checks.count == 18)
        #expect(Set(report.checks.map(\.id)).count == report.checks.count)
    }

    @Test func worstOutcomeDecides() {
        let pass = DoctorCheck(id: "a", title: "a", outcome: .pass, detail: "ok", fix: "ignored")
        let warn = DoctorCheck(id: "b", title: "b", outcome: .warn, detail: "hmm", fix: "do")
        let fail = DoctorCheck(id: "c", title: "c", outcome: .fail, detail: "bad", fix: "do")
        #expect(DoctorReport(checks: [pass]).worst == .pass)
        #expect(DoctorReport(checks: [pass, warn]).worst == .warn)
        #expect(DoctorReport(checks: [fail, pass, warn]).worst == .fail)
        #expect(DoctorReport(checks: []).worst == .pass)
        #expect(pass.fix == nil)
        #expect(DoctorReport(checks: [pass, warn, fail, warn]).count(.warn) == 2)
    }

    @Test func everyCheckRunsWhenTheRegistryAndConfigCannotBeOpened() async throws {
        let world = try DoctorWorld()
        var subject = world.subject()
        subject.registry = .failure(DoctorProblem("no registry at /nowhere/registry.db; create it with `keyctl init`"))
        subject.registryPath = "/nowhere/registry.db"
        subject.configuration = .failure(DoctorProblem("keyctl.toml:3: unknown setting 'x'"))
        let report = await Doctor(subject: subject).run()
        #expect(report.checks.count == 18)
        let byID = Dictionary(uniqueKeysWithValues: report.checks.map { ($0.id, $0) })
        #expect(byID["registry-file"]?.outcome == .fail)
        #expect(byID["config"]?.outcome == .fail)
        #expect(byID["config"]?.detail.contains("keyctl.toml:3") == true)
        for id in ["key-ownership", "wildcard-scope", "key-health", "audit-chain", "audit-anchor", "shared-secret"] {
            #expect(byID[id]?.outcome == .warn, "\(id)")
            #expect(byID[id]?.detail.hasPrefix("not checked:") == true, "\(id)")
        }
        #expect(report.worst == .fail)
    }

    @Test func noSecretAppearsInAnyResult() async throws {
        var world = try DoctorWorld()
        let registered = stripeSecret(), other = stripeSecret(), inline = "ghp_" + String(repeating: "a1B2", count: 9)
        try await world.add("checkout", secret: registered)
        try await world.add("checkout", env: "dev", secret: other)
        world.configure(world.rotationConfig("""

            [verifiers.inline]
            type = "http"
            url = "https://api.example.test/me"
            headers = ["Authorization: Bearer \(inline)", "X-Key: \(registered)"]
            """))
        world.writeEnvFile("checkout-prod.env", "API_KEY=\(registered)\n", mode: 0o644)
        world.writeEnvFile("checkout-dev.env", "API_KEY=\(registered)\n")
        world.project.write(".env", "NEXT_PUBLIC_KEY=\(registered)\nVITE_OTHER=\(other)\n")
        let report = await world.report()
        let text = DoctorWorld.text(of: report)
        #expect(report.worst == .fail)
        for secret in [registered, other, inline] {
            #expect(!text.contains(secret))
            #expect(!text.contains(String(secret.dropFirst(8))))
        }
    }
}
