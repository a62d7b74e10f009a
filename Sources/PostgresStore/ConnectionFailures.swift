import Logging
import Synchronization

/// Why the connection pool's latest attempt to connect failed.
///
/// `PostgresClient` retries a failing connection for a minute before it fails a request, and
/// then without its cause; it reports each failed attempt only to its background logger. This
/// log handler keeps the latest one, so that opening a registry fails at once and says why
/// (refused, authentication failed, no such database). It keeps the error's code and SQLSTATE,
/// never its text: a password or bound value never reaches a message through it.
final class ConnectionFailures: Sendable {
    /// A failed attempt: PSQLError's code (`server`, `connectionError` …) and the server's SQLSTATE.
    struct Failure: Sendable, Equatable {
        var code: String?
        var sqlState: String?
    }

    private let latest = Mutex<Failure?>(nil)

    /// A logger for `PostgresClient(configuration:backgroundLogger:)` that feeds this record.
    var logger: Logger {
        Logger(label: "keyctl.postgres") { _ in Handler(failures: self) }
    }

    /// Waits until an attempt fails, and returns why. Cancelled (throwing) when the caller no longer waits.
    func next() async throws -> Failure {
        while true {
            if let failure = latest.withLock({ $0 }) { return failure }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    fileprivate func record(_ description: String) {
        let failure = Failure(code: Self.field("code: ", in: description), sqlState: Self.field("sqlState: ", in: description))
        latest.withLock { $0 = failure }
    }

    /// The word after `label` in `PSQLError`'s debug description, such as `28P01` after `sqlState: `.
    private static func field(_ label: String, in text: String) -> String? {
        guard let start = text.range(of: label)?.upperBound else { return nil }
        let value = text[start...].prefix { $0.isLetter || $0.isNumber }
        return value.isEmpty ? nil : String(value)
    }

    private struct Handler: LogHandler {
        let failures: ConnectionFailures
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .info

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
            function: String, line: UInt
        ) {
            guard message.description == "Connection creation failed" else { return }
            if case .string(let error)? = metadata?["psql_error"] { failures.record(error) } else { failures.record("") }
        }
    }
}
