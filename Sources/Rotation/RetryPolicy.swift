/// Bounded retries with exponential backoff and jitter, for retryable adapter errors.
public struct RetryPolicy: Sendable {
    public var attempts: Int
    public var initialDelayMilliseconds: Int
    public var maximumDelayMilliseconds: Int
    /// Waits between attempts; replaced in tests so that they never sleep.
    public var sleep: @Sendable (_ milliseconds: Int) async throws -> Void

    public init(
        attempts: Int = 4, initialDelayMilliseconds: Int = 200, maximumDelayMilliseconds: Int = 5_000,
        sleep: @escaping @Sendable (Int) async throws -> Void = { try await Task.sleep(for: .milliseconds($0)) }
    ) {
        self.attempts = max(1, attempts)
        self.initialDelayMilliseconds = initialDelayMilliseconds
        self.maximumDelayMilliseconds = maximumDelayMilliseconds
        self.sleep = sleep
    }

    /// Runs `operation`, retrying `AdapterError.retryable` failures after 1x, 2x, 4x... the initial
    /// delay (each scaled by a random 50-100%). When the last attempt fails too, throws the error as
    /// `.unavailable`. Other errors are thrown at once.
    public func run<T>(_ operation: () async throws -> T) async throws -> T {
        var delay = initialDelayMilliseconds
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch let error as AdapterError where error.kind == .retryable {
                guard attempt < attempts else {
                    throw AdapterError(.unavailable, adapter: error.adapter, "\(error.message) (\(attempts) attempts)")
                }
                try await sleep(Int(Double(delay) * Double.random(in: 0.5...1.0)))
                delay = min(delay * 2, maximumDelayMilliseconds)
                attempt += 1
            }
        }
    }
}
