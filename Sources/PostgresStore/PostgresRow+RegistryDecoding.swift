import Foundation
import KeyStore
import PostgresNIO

/// Failable decoding of rows read back from the registry, as `Row+RegistryDecoding` does for
/// SQLite: a value keyctl never writes (NULL in a column it always fills, a date outside years
/// 0001 to 9999, an unknown status) throws `registryUnreadable` naming the record and the column,
/// never the value. Every `init(postgresRow:)` of a registry record decodes through them.
///
/// `record` names what the row is (`key 'checkout' (prod)`); it is built only on failure.
extension PostgresRandomAccessRow {
    /// The value of `column` as `Value`; an optional `Value` accepts NULL.
    func decode<Value: PostgresDecodable>(
        _ type: Value.Type = Value.self, column: Int, of record: @autoclosure () -> String
    ) throws(KeyStoreError) -> Value {
        do {
            return try self[column].decode(Value.self)
        } catch {
            throw unreadable(column, of: record(), null: self[column].bytes == nil)
        }
    }

    /// The value of the non-NULL `column`, stored as `Stored` and checked by `convert` (nil when
    /// the stored value is out of range or not one keyctl writes).
    func decode<Stored: PostgresDecodable, Value>(
        column: Int, of record: @autoclosure () -> String, as convert: (Stored) -> Value?
    ) throws(KeyStoreError) -> Value {
        guard let value = try decodeIfPresent(column: column, of: record(), as: convert) else {
            throw unreadable(column, of: record(), null: true)
        }
        return value
    }

    /// Like `decode(column:of:as:)` for a NULL-able column: nil when it holds NULL.
    func decodeIfPresent<Stored: PostgresDecodable, Value>(
        column: Int, of record: @autoclosure () -> String, as convert: (Stored) -> Value?
    ) throws(KeyStoreError) -> Value? {
        if self[column].bytes == nil { return nil }
        guard let raw = try? self[column].decode(Stored.self), let value = convert(raw) else {
            throw unreadable(column, of: record(), null: false)
        }
        return value
    }

    private func unreadable(_ column: Int, of record: String, null: Bool) -> KeyStoreError {
        let held = null ? "NULL" : "a value that is out of range or not allowed there"
        return .damagedRow(record, column: self[column].columnName, holding: held)
    }
}
