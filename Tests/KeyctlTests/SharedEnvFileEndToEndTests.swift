import Foundation
import KeyctlTestSupport
import Testing

/// The built binary rotating twelve keys whose secrets live in one shared dotenv file, with
/// concurrent rotations in one process and in several processes at once.
struct SharedEnvFileEndToEndTests {
    static let keys = (0..<12).map { (name: String(format: "k%02d", $0), env: "e\($0 % 4)") }

    @Test func concurrentRotationsSharingOneEnvFileNeverLoseAWrite() async throws {
        let world = try RotationWorld()
        world.writeConfig(
            verifierURL: world.provider.url + "/check", envFile: world.folder.file("shared.env"), envVariable: "KEY_{name}_{env}",
            verifierTimeoutSeconds: 5)
        var originals: [String] = []
        var file = "# shared by twelve keys\n"
        for (index, key) in Self.keys.enumerated() {
            let secret = try await world.provider.issue(idempotencyKey: "seed-\(key.name)")
            originals.append(secret)
            file += index.isMultiple(of: 2) ? "export KEY_\(key.name)_\(key.env)='\(secret)'\n" : "KEY_\(key.name)_\(key.env)=\(secret) # \(key.env)\n"
            let added = try world.keyctl("add", key.name, "--env", key.env, "--scopes", "orders:write", "--secret-stdin", stdin: secret)
            #expect(added.code == 0, "\(added.stderr)")
        }
        world.folder.write("shared.env", file)

        try makeEveryKeyOverdue(world)
        let batch = try world.keyctl("rotate", "--overdue", "--concurrency", "8")
        #expect(batch.code == 0, "\(batch.stdout)\(batch.stderr)")
        #expect(batch.stdout.contains("12 of 12 rotated, 0 failed"))
        #expect(try await problems(world) == [], "after rotate --overdue --concurrency 8")

        try makeEveryKeyOverdue(world)
        let processes = try (0..<4).map { env in
            try KeyctlProcess.start(["rotate", "--overdue", "--env", "e\(env)", "--concurrency", "3"], environment: world.environment)
        }
        for (env, process) in processes.enumerated() {
            let result = process.wait()
            world.everythingPrinted += result.stdout + result.stderr
            #expect(result.code == 0, "process for e\(env): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains("3 of 3 rotated, 0 failed"))
        }
        #expect(try await problems(world) == [], "after four concurrent processes")
        let deployed = Self.keys.compactMap { deployedSecret(world, $0) }
        #expect(secretLeaks(of: originals + deployed, printed: world.everythingPrinted, registry: world.folder.file("registry.db")) == [])
    }

    private func makeEveryKeyOverdue(_ world: RotationWorld) throws {
        for key in Self.keys {
            let updated = try world.keyctl("update", key.name, "--env", key.env, "--rotated", "2020-01-01")
            #expect(updated.code == 0, "\(updated.stderr)")
        }
    }

    /// The secret on the key's line of shared.env, whichever form the line has.
    private func deployedSecret(_ world: RotationWorld, _ key: (name: String, env: String)) -> String? {
        let text = (try? String(contentsOfFile: world.folder.file("shared.env"), encoding: .utf8)) ?? ""
        let assignment = "KEY_\(key.name)_\(key.env)="
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(assignment) || $0.hasPrefix("export " + assignment) }) else { return nil }
        var value = line[line.range(of: assignment)!.upperBound...]
        if let comment = value.range(of: " # ") { value = value[..<comment.lowerBound] }
        return String(value).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
    }

    /// What is wrong with shared.env and the registry (empty when every line holds its key's
    /// current secret, every other line is kept, and the provider holds exactly those keys).
    private func problems(_ world: RotationWorld) async throws -> [String] {
        var problems: [String] = []
        let text = (try? String(contentsOfFile: world.folder.file("shared.env"), encoding: .utf8)) ?? ""
        if !text.hasPrefix("# shared by twelve keys\n") || text.split(separator: "\n").count != 13 { problems.append("shared.env lost or gained lines") }
        let valid = try await world.provider.validFingerprints()
        if valid.count != Self.keys.count { problems.append("the provider holds \(valid.count) valid keys, expected \(Self.keys.count)") }
        for (index, key) in Self.keys.enumerated() {
            guard let secret = deployedSecret(world, key) else {
                problems.append("no line for \(key.name) (\(key.env))")
                continue
            }
            let form = index.isMultiple(of: 2) ? "export KEY_\(key.name)_\(key.env)='\(secret)'\n" : "KEY_\(key.name)_\(key.env)=\(secret) # \(key.env)\n"
            if !text.contains(form) { problems.append("the line of \(key.name) (\(key.env)) lost its form") }
            let shown = try world.keyctl("show", key.name, "--env", key.env, "--format", "json")
            let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
            let current = (json?["versions"] as? [[String: Any]] ?? []).filter { $0["stage"] as? String == "current" }
            if current.count != 1 || current.first?["fingerprint"] as? String != RotationWorld.fingerprint(secret) {
                problems.append("the line of \(key.name) (\(key.env)) does not hold its current secret")
            }
            if !valid.contains(RotationWorld.fingerprint(secret)) { problems.append("the secret of \(key.name) (\(key.env)) is not valid at the provider") }
        }
        return problems
    }
}
