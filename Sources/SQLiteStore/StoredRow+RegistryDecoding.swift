import Foundation
import KeyStore
import GRDB

/// Failable decoding of rows read back from the registry.
///
/// GRDB's `row[index]` subscript stops the process when a stored value does not convert: text
/// written into an INTEGER column, or NULL into a NOT NULL one, with the sqlite3 shell. These
/// methods throw `registryUnreadable` instead (exit 65), naming the record and the column, so
/// that a hand-edited registry is reported rather than crashing keyctl. Every `init(row:)` of a
/// registry record decodes through them:
///
/// ```swift
/// let record = "rotation \(id)"
/// let state = try row.decode(column: 3, of: record, as: RotationState.init(rawValue:))
/// let grace: Int64 = try row.decode(column: 7, of: record)
/// let finishedAt = try row.decodeIfPresent(column: 23, of: record, as: Date.init(registryEpochSeconds:))
/// ```
///
/// `record` names what the row is (`key 'checkout' (prod)`); it is built only on failure.
extension StoredRow {
    /// The value of `column` as `Value`; an optional `Value` accepts NULL.
    ///
    /// Throws `registryUnreadable` when the stored value is NULL (for a non-optional `Value`) or
    /// of a storage class that does not convert, such as text for an integer.
    func decode<Value: DatabaseValueConvertible>(
        _ type: Value.Type = Value.self, column: Int, of record: @autoclosure () -> String
    ) throws(KeyStoreError) -> Value {
        let stored = storedValue(column)
        guard let value = Value.fromDatabaseValue(stored) else { throw unreadable(column, of: record(), holding: stored) }
        return value
    }

    /// The value of the NULL-able `column` as `Wrapped`: nil when it holds NULL. (GRDB's own
    /// optional conversion is generic at run time: this one is specialised.)
    func decode<Wrapped: DatabaseValueConvertible>(
        _ type: Wrapped?.Type = Wrapped?.self, column: Int, of record: @autoclosure () -> String
    ) throws(KeyStoreError) -> Wrapped? {
        let stored = storedValue(column)
        if stored.isNull { return nil }
        guard let value = Wrapped.fromDatabaseValue(stored) else { throw unreadable(column, of: record(), holding: stored) }
        return value
    }

    /// The value of the non-NULL `column`, stored as `Stored` and checked by `convert` (nil when
    /// the stored value is out of range or not one keyctl writes, such as an unknown status).
    ///
    /// Throws `registryUnreadable` when the column is NULL, of another type, or refused by `convert`.
    func decode<Stored: DatabaseValueConvertible, Value>(
        column: Int, of record: @autoclosure () -> String, as convert: (Stored) -> Value?
    ) throws(KeyStoreError) -> Value {
        let stored = storedValue(column)
        guard let raw = Stored.fromDatabaseValue(stored), let value = convert(raw) else {
            throw unreadable(column, of: record(), holding: stored)
        }
        return value
    }

    /// Like `decode(column:of:as:)` for a NULL-able column: nil when it holds NULL.
    func decodeIfPresent<Stored: DatabaseValueConvertible, Value>(
        column: Int, of record: @autoclosure () -> String, as convert: (Stored) -> Value?
    ) throws(KeyStoreError) -> Value? {
        let stored = storedValue(column)
        if stored.isNull { return nil }
        guard let raw = Stored.fromDatabaseValue(stored), let value = convert(raw) else {
            throw unreadable(column, of: record(), holding: stored)
        }
        return value
    }

    /// The error for a value that keyctl never writes; it names the storage class, never the value.
    private func unreadable(_ column: Int, of record: String, holding stored: DatabaseValue) -> KeyStoreError {
        let names = storedColumnNames
        let name = column < names.count ? names[column] : "#\(column)"
        let held: String
        switch stored.storage {
        case .null: held = "NULL"
        case .int64: held = "an integer that is out of range or not allowed there"
        case .double: held = "a real number"
        case .string: held = "text that is not a valid value for it"
        case .blob: held = "a blob"
        }
        return .damagedRow(record, column: name, holding: held)
    }
}
