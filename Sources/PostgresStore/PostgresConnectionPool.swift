import KeyStore
import Logging
import PostgresNIO

/// The registry's connections to its server: opened as operations need them, reused while they
/// stay healthy, and never retried. A server that cannot be reached, or a connection that drops
/// mid-operation, fails that operation at once (`unavailable`, exit 69); a pool that waits for
/// the server to come back would leave a command hanging with a rotation half-recorded in memory.
actor PostgresConnectionPool {
    private let configuration: PostgresConnection.Configuration
    private var idle: [PostgresConnection] = []
    private var opened = 0
    private var isClosed = false
    private static let logger = Logger(label: "keyctl.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    init(configuration: PostgresConnection.Configuration) {
        self.configuration = configuration
    }

    /// Runs `work` on a connection no other operation uses meanwhile. The connection goes back to
    /// the pool when `work` returns; when it throws, the connection is closed (its state unknown).
    nonisolated func withConnection<T>(_ work: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await take()
        let value: T
        do {
            value = try await work(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        await giveBack(connection)
        return value
    }

    /// A registry let go without `close()` closes its idle connections all the same; each is kept
    /// alive until its close completes (PostgresNIO requires a connection closed before it is freed).
    deinit {
        for connection in idle {
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    /// Closes every idle connection; operations after it fail with `unavailable`.
    func close() async {
        isClosed = true
        let closing = idle
        idle = []
        for connection in closing { try? await connection.close() }
    }

    private func take() async throws -> PostgresConnection {
        if isClosed { throw KeyStoreError(.unavailable, "the registry's connections are closed") }
        while let connection = idle.popLast() {
            if !connection.isClosed { return connection }
        }
        opened += 1
        return try await PostgresConnection.connect(configuration: configuration, id: opened, logger: Self.logger)
    }

    private func giveBack(_ connection: PostgresConnection) async {
        if isClosed || connection.isClosed {
            try? await connection.close()
        } else {
            idle.append(connection)
        }
    }
}
