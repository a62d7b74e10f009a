import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresNIO
import PostgresStore
import Testing

@Suite struct PostgresErrorTests {
    let clock = ManualClock("2026-11-29T12:00:00Z")

    @Test func aServerThatIsNotListeningIsUnavailable() async throws {
        var configuration = PostgresClient.Configuration(
            host: "127.0.0.1", port: 1, username: "keyctl", password: "hunter2-not-shown", database: "keyctl", tls: .disable)
        configuration.options.connectTimeout = .seconds(2)
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await PostgresKeyRegistry.open(configuration: configuration, displayName: "postgres://keyctl@127.0.0.1:1/keyctl", clock: clock)
        }
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("postgres://keyctl@127.0.0.1:1/keyctl") == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func anUnknownUserIsAnAuthenticationFailureNamingTheUserNotThePassword() async throws {
        let database = try PostgresTestDatabase()
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await PostgresKeyRegistry.open(
                configuration: database.configuration(username: "nobody_here", password: "hunter2-not-shown"),
                displayName: database.displayName, clock: clock)
        }
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("authentication failed for user nobody_here") == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func aRowEditedOutsideKeyctlIsReportedAsDamagedNotACrash() async throws {
        let database = try PostgresTestDatabase()
        let (registry, _) = try await PostgresKeyRegistry.create(
            configuration: database.configuration, displayName: database.displayName, clock: clock)
        _ = try await registry.addKey(try draft("checkout"), secret: nil, actor: "test")
        try database.execute("UPDATE keys SET created_at = 999999999999")  // after year 9999

        let error = await #expect(throws: KeyStoreError.self) {
            try await registry.forEachKey(matching: KeyFilter()) { _ in }
        }

        #expect(error?.category == .registryUnreadable)
        #expect(error?.message.contains("key 'checkout' (prod)") == true)
        #expect(error?.message.contains("column created_at") == true)
        await registry.close()
    }
}
