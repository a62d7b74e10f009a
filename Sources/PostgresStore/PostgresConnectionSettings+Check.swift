import KeyStore
import Logging
import PostgresNIO

extension PostgresConnectionSettings {
    /// Opens one connection with these settings, runs `SELECT 1` and closes it: a quick answer to
    /// "can keyctl reach this registry?", where a `PostgresClient` keeps retrying a connection
    /// that cannot be opened for up to a minute before failing its queries.
    ///
    /// Throws `KeyStoreError` (`unavailable`, exit 69) naming `displayName` and the cause
    /// (refused or unreachable, TLS refused or certificate not trusted, authentication failed for
    /// the user, no such database), never the password nor the server's own message.
    public func checkConnection() async throws(KeyStoreError) {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration, id: 1, logger: Logger(label: "keyctl.postgres", factory: { _ in SwiftLogNoOpLogHandler() }))
        } catch {
            throw connectionFailure(error)
        }
        do {
            _ = try await connection.query("SELECT 1", logger: Logger(label: "keyctl.postgres", factory: { _ in SwiftLogNoOpLogHandler() })).collect()
            try? await connection.close()
        } catch {
            try? await connection.close()
            throw connectionFailure(error)
        }
    }

    /// `error`, from opening a connection, as an `unavailable` error that says why in keyctl's
    /// words; nothing of the server's message or of the password is kept.
    public func connectionFailure(_ error: any Error) -> KeyStoreError {
        KeyStoreError(.unavailable, "cannot connect to the PostgreSQL registry \(displayName): \(Self.cause(of: error, user: connectionConfiguration.username, database: connectionConfiguration.database ?? "", mode: sslMode))")
    }

    private static func cause(of error: any Error, user: String, database: String, mode: PostgresSSLMode) -> String {
        guard let error = error as? PSQLError else { return "the connection failed; is the server running and reachable?" }
        switch error.code {
        case .server:
            switch error.serverInfo?[.sqlState] {
            case "28P01": return "authentication failed for user \(user)"
            case "28000": return "the server refuses user \(user) on this connection (pg_hba.conf; does it require TLS? see sslmode)"
            case "3D000": return "there is no database \(database) on the server"
            case let state?: return "the server refused the connection (SQLSTATE \(state))"
            case nil: return "the server refused the connection"
            }
        case .sslUnsupported:
            return "the server does not offer TLS, which sslmode=\(mode.rawValue) requires"
        case .authMechanismRequiresPassword:
            return "the server asks a password for user \(user) and none was found (URL, PGPASSWORD, ~/.pgpass)"
        case .unsupportedAuthMechanism, .saslError:
            return "authentication failed for user \(user)"
        case .connectionError, .uncleanShutdown, .failedToAddSSLHandler:
            if let underlying = error.underlying, let reason = tlsReason(underlying, mode: mode) { return reason }
            return "the connection failed; is the server running and reachable?"
        default:
            return "the connection failed; is the server running and reachable?"
        }
    }

    private static func tlsReason(_ error: any Error, mode: PostgresSSLMode) -> String? {
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's certificate does not name the host connected to (sslmode=\(mode.rawValue))"
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return "the TLS handshake failed: the server's certificate is not signed by the CA in sslrootcert (sslmode=\(mode.rawValue))"
        }
        return nil
    }
}
