import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresNIO
import Testing
@testable import PostgresStore

/// The TLS server of scripts/postgres-test-server (KEYCTL_TEST_POSTGRES_*): a role that must use
/// TLS and a password, and the CA that signed the server's certificate (127.0.0.1, localhost).
struct TLSTestServer {
    let user: String
    let passwordFile: String
    let ca: String
    let port: String
    /// A loopback address the server listens on and its certificate does not name.
    let unnamedAddress: String

    static let current: TLSTestServer? = {
        let environment = ProcessInfo.processInfo.environment
        guard let user = environment["KEYCTL_TEST_POSTGRES_TLS_USER"], let passwordFile = environment["KEYCTL_TEST_POSTGRES_PASSWORD_FILE"],
              let ca = environment["KEYCTL_TEST_POSTGRES_CA"], let port = environment["KEYCTL_TEST_POSTGRES_PORT"],
              let unnamedAddress = environment["KEYCTL_TEST_POSTGRES_UNNAMED_HOST"]
        else { return nil }
        return TLSTestServer(user: user, passwordFile: passwordFile, ca: ca, port: port, unnamedAddress: unnamedAddress)
    }()

    /// `postgres://user@host:port/postgres?` + `query` + the password file reference.
    func url(host: String = "127.0.0.1", _ query: String) -> String {
        "postgres://\(user)@\(host):\(port)/postgres?\(query)&password=file:\(passwordFile)"
    }
}

@Suite(.enabled(if: TLSTestServer.current != nil, "needs scripts/postgres-test-server (scripts/test starts it)"))
struct PostgresTLSConnectionTests {
    let server = TLSTestServer.current!
    let home = TemporaryFolder()

    func read(_ url: String) throws(KeyStoreError) -> PostgresConnectionSettings {
        try PostgresConnectionSettings(url: url, environment: [:], homeDirectory: home.path)
    }

    /// The failure `checkConnection()` throws, or nil when it connects.
    func connectionError(_ url: String) async throws -> KeyStoreError? {
        do throws(KeyStoreError) {
            try await read(url).checkConnection()
            return nil
        } catch {
            return error
        }
    }

    /// `SELECT ssl FROM pg_stat_ssl` for this session through a `PostgresClient`.
    func sessionUsesTLS(_ settings: PostgresConnectionSettings) async throws -> Bool {
        let client = PostgresClient(configuration: settings.configuration)
        return try await withThrowingTaskGroup(of: Bool?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            let rows = try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            var ssl = false
            for try await value in rows.decode(Bool.self) { ssl = value }
            return ssl
        }
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func verifyFullWithTheRightCAConnectsOverTLS(host: String) async throws {
        let settings = try read(server.url(host: host, "sslmode=verify-full&sslrootcert=\(server.ca)"))
        #expect(settings.sslMode == .verifyFull)
        try await settings.checkConnection()
        #expect(try await sessionUsesTLS(settings))
    }

    @Test
    func verifyFullWithAnotherCAFails() async throws {
        let other = try PostgresURLTests.sampleCA(in: home)
        let error = try await connectionError(server.url("sslmode=verify-full&sslrootcert=\(other)"))
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("not signed by the CA") == true)
    }

    @Test
    func verifyFullWithAnotherHostNameFailsWhereVerifyCAConnects() async throws {
        let wrongName = server.url(host: "db.example.com", "hostaddr=\(server.unnamedAddress)&sslrootcert=\(server.ca)")
        let error = try await connectionError(wrongName + "&sslmode=verify-full")
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("does not name the host") == true)
        #expect(try await connectionError(wrongName + "&sslmode=verify-ca") == nil)
    }

    @Test
    func verifyFullChecksTheNameGivenNotTheAddressConnectedTo() async throws {
        let query = "sslmode=verify-full&sslrootcert=\(server.ca)"
        #expect(try await connectionError(server.url(host: "localhost", "hostaddr=\(server.unnamedAddress)&" + query)) == nil)
        let error = try await connectionError(server.url(host: server.unnamedAddress, query))
        #expect(error?.message.contains("does not name the host") == true)
    }

    @Test
    func requireEncryptsWithoutCheckingTheCertificate() async throws {
        let settings = try read(server.url("sslmode=require"))
        #expect(settings.sslMode == .require)
        try await settings.checkConnection()
        #expect(try await sessionUsesTLS(settings))
    }

    @Test
    func disableAgainstAServerThatRequiresTLSFails() async throws {
        let error = try await connectionError(server.url("sslmode=disable"))
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("refuses user \(server.user)") == true)
    }

    @Test
    func aWrongPasswordFailsAuthenticationWithoutSayingThePassword() async throws {
        let wrong = "wrong-\(UUID().uuidString)"
        let settings = try read("postgres://\(server.user):\(wrong)@127.0.0.1:\(server.port)/postgres?sslmode=verify-full&sslrootcert=\(server.ca)")
        do throws(KeyStoreError) {
            try await settings.checkConnection()
            Issue.record("connected with a wrong password")
        } catch {
            #expect(error.category == .unavailable)
            #expect(error.message.contains("authentication failed for user \(server.user)"))
            #expect(!error.message.contains(wrong))
        }
    }

    @Test
    func aClosedPortIsUnavailable() async throws {
        let error = try await connectionError("postgres://u:pw@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
        #expect(error?.category == .unavailable)
        #expect(error?.message.contains("postgres://u@127.0.0.1:1/postgres") == true)
    }
}
