import KeyStore
import PostgresNIO

/// Turns PostgresNIO's errors into `KeyStoreError`s with a message an operator can act on.
/// SQL text, bound values and passwords never reach the message: only the registry's display
/// name (its URL without password), the user name and the server's error code.
enum PostgresErrorMapping {
    static func map(_ error: any Error, displayName: String, username: String) -> KeyStoreError {
        if let error = error as? KeyStoreError { return error }
        if error is PostgresConnectionDropped { return dropped(displayName) }
        if let error = error as? PostgresTransactionError {
            guard let cause = error.closureError ?? error.commitError ?? error.beginError else {
                return KeyStoreError(.failed, "registry error in \(displayName): a transaction failed")
            }
            return map(cause, displayName: displayName, username: username)
        }
        if let error = error as? PostgresDecodingError {
            return KeyStoreError(
                .registryUnreadable,
                "the registry in \(displayName) is damaged: column \(error.columnName) holds a value keyctl never writes; correct it or restore a backup")
        }
        guard let error = error as? PSQLError else {
            // NIO's own errors (a refused or reset socket) mean the server is out of reach; any
            // other error was thrown by the caller's closure, reported as SQLite's store does.
            let type = String(reflecting: type(of: error))
            if type.hasPrefix("NIO") || type.contains("ConnectionPoolError") { return unreachable(displayName) }
            return KeyStoreError(.failed, "registry error: \(error)")
        }
        switch error.code {
        case .server:
            return server(
                error.serverInfo?[.sqlState] ?? "", constraint: error.serverInfo?[.constraintName], displayName: displayName,
                username: username)
        default:
            return client(error.code.description, displayName: displayName, username: username)
        }
    }

    /// An error of the client's own (no SQLSTATE), by `PSQLError.Code`'s description.
    private static func client(_ code: String, displayName: String, username: String) -> KeyStoreError {
        switch code {
        case PSQLError.Code.authMechanismRequiresPassword.description:
            return KeyStoreError(
                .unavailable,
                "the server of \(displayName) asks a password for user \(username); give it in the URL, PGPASSWORD or ~/.pgpass")
        case PSQLError.Code.unsupportedAuthMechanism.description, PSQLError.Code.saslError.description:
            return KeyStoreError(.unavailable, "authentication failed for user \(username) at \(displayName)")
        case PSQLError.Code.sslUnsupported.description:
            return KeyStoreError(
                .unavailable, "the server of \(displayName) does not offer TLS, which the URL's sslmode requires")
        case PSQLError.Code.serverClosedConnection.description, PSQLError.Code.uncleanShutdown.description:
            return dropped(displayName)
        default:
            return unreachable(displayName)
        }
    }

    private static func server(_ state: String, constraint: String?, displayName: String, username: String) -> KeyStoreError {
        switch state {
        case "40001", "40P01", "55P03", "57014", "53300":
            // serialization failure, deadlock, lock timeout, statement timeout, too many connections
            return KeyStoreError(.busy, "the registry in \(displayName) is busy (another keyctl holds it); try again shortly")
        case "28P01", "28000":
            return KeyStoreError(.unavailable, "authentication failed for user \(username) at \(displayName)")
        case "3D000":
            return KeyStoreError(
                .registryMissing, "the database of \(displayName) does not exist; create it, then run `keyctl init`")
        case "57P01", "57P02", "57P03", "25P03":  // 25P03: ended idle in a transaction (a frozen writer)
            return dropped(displayName)
        case "23505":
            let named = constraint.map { " (\($0))" } ?? ""
            return KeyStoreError(.conflict, "the change conflicts with what the registry in \(displayName) holds\(named); nothing was changed")
        case "42501":
            return KeyStoreError(
                .failed,
                "permission denied in \(displayName) for user \(username): grant the keyctl role its privileges (see docs/postgresql.md)")
        case "53100":
            return KeyStoreError(.failed, "cannot write the registry in \(displayName): the server's disk is full (nothing was changed)")
        default:
            if state.hasPrefix("08") { return dropped(displayName) }
            return KeyStoreError(.failed, "registry error in \(displayName): SQLSTATE \(state.isEmpty ? "unknown" : state)")
        }
    }

    private static func unreachable(_ displayName: String) -> KeyStoreError {
        KeyStoreError(
            .unavailable, "cannot reach the registry at \(displayName): check that the server runs and accepts connections (nothing was changed)")
    }

    private static func dropped(_ displayName: String) -> KeyStoreError {
        KeyStoreError(
            .unavailable, "the connection to the registry at \(displayName) dropped; the command's transaction rolled back (nothing was changed): try again")
    }
}

/// A statement that could not complete because its connection closed: the server or the network
/// went away before it answered (see `PostgresConnection.rows`).
struct PostgresConnectionDropped: Error {}
