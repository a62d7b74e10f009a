/// A value read from `keyctl.toml`, with the line it was written on, as `ConfigReader` checks it.
public enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([ConfigValue])
    case table(ConfigTable)
    /// A TOML value keyctl has no setting for (a float, a date or a time), by its type's name.
    case other(typeName: String)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        case .other(let typeName): typeName
        }
    }
}

/// A TOML table: its entries in the order written, each with its line number.
public struct ConfigTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: ConfigValue
        public var line: Int
    }

    public var entries: [Entry] = []
    /// The line of the `[header]` (or the key) that opened the table; 0 for the root.
    public var line: Int = 0

    public subscript(key: String) -> Entry? {
        entries.first { $0.key == key }
    }
}
