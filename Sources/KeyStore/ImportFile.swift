import Foundation

/// Reads a bulk inventory file (CSV or JSON, never secrets) into checked entries.
///
/// CSV has a header row naming columns after `add`'s long flags (`name`, `env`, `scopes`, `owner`,
/// `description`, `created`, `rotated`, `max-age`); `scopes` is one field, comma-separated and
/// quoted. JSON is an array of objects with the same fields (or `{"keys": [...]}`), `scopes` an
/// array. Errors are `invalidInput` and name the file and the line (CSV) or entry (JSON).
///
/// `ImportReader` streams a file entry by entry; `parse` reads a whole file held in memory.
public enum ImportFile {
    /// The fields an import record may have.
    enum Field: String, CaseIterable {
        case name, env, scopes, owner, description, created, rotated
        case maxAge = "max-age"

        /// The field's position in `allCases`.
        var index: Int {
            switch self {
            case .name: 0
            case .env: 1
            case .scopes: 2
            case .owner: 3
            case .description: 4
            case .created: 5
            case .rotated: 6
            case .maxAge: 7
            }
        }

        static let list = allCases.map(\.rawValue).joined(separator: ", ")
    }

    /// Every entry of an import file held in memory; throws `invalidInput` at the first bad one.
    public static func parse(_ data: Data, fileName: String) throws(KeyStoreError) -> [ImportEntry] {
        var reader = try ImportReader(ByteStream(bytes: Array(data)), fileName: fileName)
        var entries: [ImportEntry] = []
        while let entry = try reader.next() { entries.append(entry) }
        return entries
    }
}

/// Reads the entries of an import file one at a time, in memory that does not grow with the file.
///
/// The format is CSV or JSON by the file's extension, else by its first byte (`[` or `{` is JSON).
/// Every error is `invalidInput`, one line naming the file and the line (CSV) or entry (JSON).
public struct ImportReader {
    private var records: any ImportRecordReader

    /// Opens the file at `path` and reads its CSV header. Throws `invalidInput` when the file cannot
    /// be read or the header is bad.
    public init(path: String) throws(KeyStoreError) {
        guard let input = ByteStream(path: path) else {
            throw KeyStoreError(.invalidInput, "cannot read \(path): check that it exists and is readable")
        }
        try self.init(input, fileName: path)
    }

    init(_ input: ByteStream, fileName: String) throws(KeyStoreError) {
        var input = input
        let firstByte = input.firstByte(skipping: [0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf])
        if input.failed { throw KeyStoreError(.invalidInput, "cannot read \(fileName): check that it exists and is readable") }
        let lowercased = fileName.lowercased()
        let isJSON = lowercased.hasSuffix(".json")
            || (!lowercased.hasSuffix(".csv") && (firstByte == UInt8(ascii: "[") || firstByte == UInt8(ascii: "{")))
        do {
            records = isJSON ? JSONImportReader(input, fileName: fileName) : try CSVImportReader(input, fileName: fileName)
        } catch {
            throw error.escaped
        }
    }

    /// The next entry, checked, or nil at the end of the file.
    public mutating func next() throws(KeyStoreError) -> ImportEntry? {
        do {
            return try records.next()
        } catch {
            throw error.escaped
        }
    }
}

/// Reads the records of one import format as checked entries.
protocol ImportRecordReader {
    mutating func next() throws(KeyStoreError) -> ImportEntry?
}

extension KeyStoreError {
    /// A message quotes the offending field: keep it one line whatever the field holds.
    fileprivate var escaped: KeyStoreError { KeyStoreError(category, TerminalText.escaped(message)) }
}
