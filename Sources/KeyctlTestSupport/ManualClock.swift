import Foundation
import KeyStore
import Synchronization

/// A clock that stands still until a test moves it.
public final class ManualClock: WallClock {
    private let current: Mutex<Date>

    public init(_ start: Date) { current = Mutex(start) }

    /// A clock set to `text`, an ISO 8601 date such as `2026-11-29` or `2026-11-29T12:00:00Z`.
    public convenience init(_ text: String) {
        self.init(Timestamp.parse(text)!)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(by span: TimeSpan) {
        current.withLock { $0 += TimeInterval(span.seconds) }
    }

    public func set(_ date: Date) { current.withLock { $0 = date } }
}
