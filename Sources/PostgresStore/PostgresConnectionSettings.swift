import Foundation
import KeyStore
import PostgresNIO

/// How keyctl connects to a PostgreSQL registry, read from a `postgres://` (or `postgresql://`)
/// URL as libpq reads it, with libpq's environment variables and password file filling in what
/// the URL leaves out.
///
/// The URL is `postgres://[user[:password]@][host][:port][/database][?name=value&...]`, every part
/// percent-decoded, an IPv6 host in brackets. Query parameters: `host`, `hostaddr`, `port`,
/// `dbname`, `user`, `password`, `passfile`, `sslmode`, `sslrootcert`, `sslcert`, `sslkey`,
/// `connect_timeout`, `application_name`; any other is refused. A parameter missing from the
/// URL comes from its libpq variable (`PGHOST`, `PGHOSTADDR`, `PGPORT`, `PGDATABASE`, `PGUSER`,
/// `PGPASSFILE`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, `PGCONNECT_TIMEOUT`,
/// `PGAPPNAME`), else libpq's default (the Unix socket folder `/var/run/postgresql`, port 5432,
/// the login user, a database named after the user, `sslmode=prefer`).
///
/// The password comes, in libpq's order, from the URL (`password=file:/path` naming a file
/// that is the user's own, not a symbolic link and not open to its group or others), then
/// `PGPASSWORD`, then the password file (`PGPASSFILE`, else `~/.pgpass`, libpq's format;
/// refused when open to its group or others, where libpq ignores it). The password appears in no
/// message, in no error and not in `displayName` or `description`.
public struct PostgresConnectionSettings: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What `PostgresClient` needs, password included: never print or log it.
    public let configuration: PostgresClient.Configuration
    /// The same settings for a single `PostgresConnection` (`checkConnection()` uses one).
    public let connectionConfiguration: PostgresConnection.Configuration
    /// The URL without its password or query, for messages: `postgres://user@host:port/database`
    /// (over a Unix socket, `postgres://user@/database?host=/folder&port=5432`).
    public let displayName: String
    /// The TLS mode in force (`require` with a root CA file at hand is `verifyCA`, as in libpq).
    public let sslMode: PostgresSSLMode

    /// The query parameters keyctl understands, with the environment variable each falls back to.
    static let parameters: [String: String?] = [
        "host": "PGHOST", "hostaddr": "PGHOSTADDR", "port": "PGPORT", "dbname": "PGDATABASE", "user": "PGUSER",
        "password": nil, "passfile": "PGPASSFILE", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME",
    ]

    /// libpq's default Unix socket folder on Debian.
    static let defaultSocketFolder = "/var/run/postgresql"

    /// Whether `text` is meant as a PostgreSQL registry (`postgres://` or `postgresql://`),
    /// well-formed or not.
    public static func isPostgresURL(_ text: String) -> Bool { PostgresURL.hasScheme(text) }

    /// Reads `url`, the libpq variables in `environment`, and the files it names (password file,
    /// CA, client certificate; `~/.pgpass` and `~/.postgresql/root.crt` under `homeDirectory`).
    ///
    /// Throws `KeyStoreError` (`invalidInput`, exit 65) with a one-line message when the URL is
    /// malformed, names an unknown parameter or an invalid value, or a file it needs is missing,
    /// unreadable or exposed. No connection is attempted.
    public init(url: String, environment: [String: String], homeDirectory: String) throws(KeyStoreError) {
        let parsed = try PostgresURL(url)
        let known = Self.parameters.keys.sorted()
        guard parsed.parameters.keys.allSatisfy(known.contains) else {
            throw PostgresURL.invalid("an unknown query parameter; keyctl knows \(known.joined(separator: ", "))")
        }
        func setting(_ name: String, _ urlPart: String? = nil) -> String? {
            let environmentName = Self.parameters[name] ?? nil
            let value = parsed.parameters[name] ?? urlPart ?? environmentName.flatMap { environment[$0] }
            return value?.isEmpty == false ? value : nil
        }

        let explicitHost = setting("host", parsed.host)
        let hostAddress = setting("hostaddr")
        let host = explicitHost ?? hostAddress ?? Self.defaultSocketFolder
        let portText = setting("port", parsed.port) ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw PostgresURL.invalid("the port must be a number from 1 to 65535")
        }
        let user = setting("user", parsed.user) ?? Self.loginName()
        let database = setting("dbname", parsed.database) ?? user

        let modeText = setting("sslmode") ?? PostgresSSLMode.prefer.rawValue
        guard let mode = PostgresSSLMode(rawValue: modeText) else {
            throw PostgresURL.invalid("sslmode must be one of \(PostgresSSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let isSocket = hostAddress == nil && host.hasPrefix("/")
        let tls = PostgresTLS(
            mode: isSocket ? .disable : mode, rootCertificate: setting("sslrootcert"),
            clientCertificate: setting("sslcert"), clientKey: setting("sslkey"), homeDirectory: homeDirectory)

        let password = try Self.password(
            url: parsed.parameters["password"].flatMap { $0.isEmpty ? nil : $0 } ?? parsed.password.flatMap { $0.isEmpty ? nil : $0 },
            environment: environment,
            passwordFile: setting("passfile") ?? homeDirectory + "/.pgpass",
            host: host.hasPrefix("/") ? "localhost" : host, port: String(port), database: database, user: user)

        var configuration: PostgresClient.Configuration
        var connectionConfiguration: PostgresConnection.Configuration
        if isSocket {
            let path = "\(host)/.s.PGSQL.\(port)"
            configuration = .init(unixSocketPath: path, username: user, password: password, database: database)
            connectionConfiguration = .init(unixSocketPath: path, username: user, password: password, database: database)
        } else {
            let negotiation = try tls.negotiation()
            let address = hostAddress ?? host
            configuration = .init(host: address, port: port, username: user, password: password, database: database, tls: negotiation.client)
            connectionConfiguration = .init(
                host: address, port: port, username: user, password: password, database: database, tls: try negotiation.connection())
            if hostAddress != nil, let explicitHost, !explicitHost.hasPrefix("/"), !Self.isIPAddress(explicitHost) {
                configuration.options.tlsServerName = explicitHost
                connectionConfiguration.options.tlsServerName = explicitHost
            }
        }
        let timeout = try Self.connectTimeout(setting("connect_timeout"))
        let startup = [("application_name", setting("application_name") ?? "keyctl")]
        configuration.options.connectTimeout = timeout
        configuration.options.additionalStartupParameters = startup
        connectionConfiguration.options.connectTimeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        connectionConfiguration.options.additionalStartupParameters = startup

        self.connectionConfiguration = connectionConfiguration
        self.configuration = configuration
        self.sslMode = isSocket ? .disable : tls.effectiveMode
        let shownHost = host.contains(":") ? "[\(host)]" : host
        self.displayName = isSocket
            ? "postgres://\(user)@/\(database)?host=\(host)&port=\(port)"
            : "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    public var description: String { displayName }
    public var debugDescription: String { displayName }
    public var customMirror: Mirror { Mirror(self, children: ["displayName": displayName]) }

    /// The password in libpq's order: the URL (or the file it names), `PGPASSWORD`, the password file.
    private static func password(
        url: String?, environment: [String: String], passwordFile: String, host: String, port: String, database: String, user: String
    ) throws(KeyStoreError) -> String? {
        if let url {
            guard url.hasPrefix(PostgresPasswordFile.prefix) else { return url }
            return try PostgresPasswordFile.read(String(url.dropFirst(PostgresPasswordFile.prefix.count)))
        }
        if let variable = environment["PGPASSWORD"], !variable.isEmpty { return variable }
        return try PgPass.load(path: passwordFile)?.password(host: host, port: port, database: database, user: user)
    }

    /// `connect_timeout` in seconds as libpq reads it: 0 or less waits without limit, 1 means 2;
    /// absent, PostgresNIO's 10 seconds.
    private static func connectTimeout(_ text: String?) throws(KeyStoreError) -> Duration {
        guard let text else { return PostgresClient.Configuration.Options().connectTimeout }
        guard let seconds = Int(text) else { throw PostgresURL.invalid("connect_timeout must be a whole number of seconds") }
        if seconds <= 0 { return .seconds(365 * 24 * 3600) }
        return .seconds(max(seconds, 2))
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// The name of the user keyctl runs as, libpq's default user.
    private static func loginName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}
