import TOMLKit

/// Parses TOML 1.0 with TOMLKit (toml++) into `ConfigTable`s whose entries carry the line they
/// were written on. The text is first scanned by `TOMLSourceMap`, which finds those lines and
/// refuses a file over its size, nesting or entry limits before the parser allocates anything.
public struct TOMLParser {
    private let file: String

    public init(file: String) { self.file = file }

    /// The document's root table. Throws `ConfigError` naming the line of a syntax error or of a
    /// passed limit.
    public func parse(_ text: String) throws(ConfigError) -> ConfigTable {
        guard text.utf8.count <= TOMLSourceMap.maximumBytes else {
            throw ConfigError(file: file, line: 0, problem: "the file is larger than \(TOMLSourceMap.maximumBytes / 1024) KiB: keyctl.toml is not meant to be this large")
        }
        let map = try TOMLSourceMap(scanning: text, file: file)
        let document: TOMLKit.TOMLTable
        do {
            document = try TOMLKit.TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, problem: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, line: 0, problem: "not valid TOML: \(error)")
        }
        return table(document, at: [], map)
    }

    /// Entries are sorted by line, so that the first problem reported is the first in the file.
    /// Values are read by position, never looked up by key: a key toml++ holds may not survive the
    /// trip through a C string.
    private func table(_ table: TOMLKit.TOMLTable, at path: [String], _ map: TOMLSourceMap) -> ConfigTable {
        var result = ConfigTable()
        result.line = map.line(of: path)
        for (key, value) in zip(table.keys, table.values) {
            let childPath = path + [key]
            result.entries.append(ConfigTable.Entry(key: key, value: self.value(value, at: childPath, map), line: map.line(of: childPath)))
        }
        result.entries.sort { ($0.line, $0.key) < ($1.line, $1.key) }
        return result
    }

    /// The recursion is as deep as the document, which `TOMLSourceMap` bounds.
    private func value(_ value: TOMLKit.TOMLValue, at path: [String], _ map: TOMLSourceMap) -> ConfigValue {
        switch value.type {
        case .string: .string(value.string ?? "")
        case .int: .integer(Int64(value.int ?? 0))
        case .bool: .boolean(value.bool ?? false)
        case .table: value.table.map { .table(table($0, at: path, map)) } ?? .other(typeName: "a table")
        case .array: .array(value.array.map { $0.map { self.value($0.tomlValue, at: path, map) } } ?? [])
        case .double: .other(typeName: "a decimal number")
        case .date, .time, .dateTime: .other(typeName: "a date or time")
        }
    }
}
