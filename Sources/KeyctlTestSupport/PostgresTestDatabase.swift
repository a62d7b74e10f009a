import Foundation
import Logging
import PostgresNIO

/// A fresh, uniquely named PostgreSQL database on the test server, dropped when the last
/// reference to it goes away (`DROP DATABASE … WITH (FORCE)`, which also ends connections a test
/// left open).
///
/// The server is the one `KEYCTL_TEST_POSTGRES_URL` names, a superuser URL such as
/// `postgres://postgres@127.0.0.1:55432/postgres` that `scripts/test` and `.ci/run` set.
public final class PostgresTestDatabase: Sendable {
    /// The environment variable naming the test server.
    public static let environmentVariable = "KEYCTL_TEST_POSTGRES_URL"

    /// The database's name, `keyctl_test_` and random hex digits.
    public let name: String
    /// How to connect to the database, for a `PostgresClient`.
    public let configuration: PostgresClient.Configuration
    /// Its URL without password, as keyctl names a registry in messages.
    public let displayName: String
    private let server: ServerURL

    /// Creates the database. Throws when `KEYCTL_TEST_POSTGRES_URL` is unset or the server refuses.
    public init(prefix: String = "keyctl_test") throws {
        let server = try ServerURL.fromEnvironment()
        let name = "\(prefix)_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try server.execute("CREATE DATABASE \"\(name)\"")
        self.server = server
        self.name = name
        self.configuration = server.clientConfiguration(database: name)
        self.displayName = "postgres://\(server.user)@\(server.host):\(server.port)/\(name)"
    }

    /// A configuration for the same database with `username`, to test refused credentials.
    public func configuration(username: String, password: String?) -> PostgresClient.Configuration {
        var configuration = configuration
        configuration.username = username
        configuration.password = password
        return configuration
    }

    /// Runs `sql` on the database as the superuser, on a connection of its own: a second client
    /// that tampers with rows or ends other connections.
    public func execute(_ sql: String) throws { try server.execute(sql, database: name) }

    /// The rows of `query`, each column selected as text (`::text`), on a connection of its own.
    public func rows(_ query: String) throws -> [[String?]] { try server.rows(query, database: name) }

    deinit {
        try? server.execute("DROP DATABASE IF EXISTS \"\(name)\" WITH (FORCE)")
    }
}

/// The test server, parsed from `KEYCTL_TEST_POSTGRES_URL`.
struct ServerURL: Sendable {
    let host: String
    let port: Int
    let user: String
    let password: String?
    let database: String

    static func fromEnvironment() throws -> ServerURL {
        let variable = PostgresTestDatabase.environmentVariable
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else {
            throw PostgresTestServerError(
                "\(variable) is not set: PostgreSQL tests need a server; run them through scripts/test, or set \(variable)=postgres://postgres@127.0.0.1:PORT/postgres")
        }
        guard let url = URLComponents(string: text), ["postgres", "postgresql"].contains(url.scheme), let host = url.host,
            !host.isEmpty
        else { throw PostgresTestServerError("\(variable) is not a postgres:// URL with a host") }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        return ServerURL(
            host: host, port: url.port ?? 5432, user: url.user ?? "postgres", password: url.password,
            database: database.isEmpty ? "postgres" : database)
    }

    func clientConfiguration(database: String) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: .disable)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// Runs `sql` on its own blocking connection, outside Swift's cooperative pool (on NIO's
    /// threads), so it can run from `deinit`.
    func execute(_ sql: String, database: String? = nil) throws {
        _ = try rows(sql, database: database)
    }

    func rows(_ sql: String, database: String? = nil) throws -> [[String?]] {
        let configuration = PostgresConnection.Configuration(
            host: host, port: port, username: user, password: password, database: database ?? self.database, tls: .disable)
        let logger = Logger(label: "keyctl.tests.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let eventLoop = PostgresClient.defaultEventLoopGroup.next()
        let connection = try PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger).wait()
        defer { try? connection.close().wait() }
        let result = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
        return result.rows.map { row in row.map { cell in cell.bytes.map { String(buffer: $0) } } }
    }
}

/// The test server is not configured or not reachable.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
