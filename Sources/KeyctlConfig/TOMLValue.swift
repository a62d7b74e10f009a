/// A value from the subset of TOML that `keyctl.toml` uses, with the line it was written on.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([TOMLValue])
    case table(TOMLTable)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .array: "an array"
        case .table: "a table"
        }
    }
}

/// A TOML table: its entries in the order written, each with its line number.
public struct TOMLTable: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: TOMLValue
        public var line: Int
    }

    public var entries: [Entry] = []
    /// The line of the `[header]` that opened the table; 0 for the root.
    public var line: Int = 0

    public subscript(key: String) -> Entry? {
        entries.first { $0.key == key }
    }
}
