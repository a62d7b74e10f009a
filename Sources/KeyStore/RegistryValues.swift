import Foundation

// Values read back from a registry, checked as keyctl writes them; both stores decode through these.

extension Date {
    /// A date read from the registry: nil unless within `Timestamp.supportedRange`.
    public init?(registryEpochSeconds seconds: Int64) {
        guard Timestamp.supportedRange.contains(seconds) else { return nil }
        self.init(timeIntervalSince1970: TimeInterval(seconds))
    }
}

extension TimeSpan {
    /// A rotation period read from the registry: nil unless positive and at most `maximum`.
    public init?(storedSeconds seconds: Int64) {
        guard seconds > 0, seconds <= Self.maximum.seconds else { return nil }
        self.init(seconds: seconds)
    }
}

extension KeyStoreError {
    /// A registry row holding what keyctl never writes: `record` names the row (see
    /// `DamagedRowLabel`), `column` the column and `held` what it holds (never the value).
    public static func damagedRow(_ record: String, column: String, holding held: String) -> KeyStoreError {
        KeyStoreError(
            .registryUnreadable,
            "the registry row of \(record) is damaged: column \(column) holds \(held); the registry was edited outside keyctl: restore it from a backup or correct that column")
    }
}
