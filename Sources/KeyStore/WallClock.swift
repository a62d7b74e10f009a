import Foundation

/// The source of "now" for everything that stamps or compares dates.
///
/// Injected so that tests and `report --as-of` never depend on today's date.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The machine's real clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}
