import GRDB
import KeyStore
import KeyctlTestSupport
import Testing

/// Beginning a rotation reads the key's row: a row edited outside keyctl is refused with
/// `registryUnreadable` naming the key and column, and no rotation begins.
struct DamagedKeyRotationTests {
    @Test(arguments: ["status = x'ff'", "status = 'zombie'", "id = x'ff'"])
    func aKeyWhoseRowIsDamagedIsNotRotated(damage: String) async throws {
        let registry = try makeTestRegistry()
        _ = try await registry.registry.addKey(try draft("checkout"), secret: nil, actor: "test")
        try await DatabaseQueue(path: registry.path).writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE keys SET \(damage)")
        }
        let error = await #expect(throws: KeyStoreError.self) {
            try await registry.registry.beginRotation(
                name: KeyName("checkout")!, env: EnvironmentName("prod")!,
                plan: RotationPlan(issuer: "local", targets: [], verifier: nil, grace: TimeSpan(seconds: 0), emergency: false),
                owner: RotationOwner(host: "here", pid: 1, processStart: "now"), lease: TimeSpan(seconds: 60),
                unlessBegunSince: nil, actor: "test")
        }
        #expect(error?.category == .registryUnreadable, "\(String(describing: error))")
        #expect(error?.message.contains("key 'checkout' (prod) is damaged") == true, "\(String(describing: error))")
        #expect(try await registry.registry.rotations(inFlightOnly: false).isEmpty)
    }
}
