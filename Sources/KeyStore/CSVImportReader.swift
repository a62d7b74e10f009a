import Foundation

/// The CSV import format: a header row naming the columns, then one key per row. Blank lines are
/// skipped; a row with the wrong number of fields is an error naming its line.
struct CSVImportReader: ImportRecordReader {
    private var reader: CSVReader
    private var record = CSVReader.Record()
    private let fileName: String
    /// Column of each field, by `Field.index`; nil when the file has no such column.
    private var columns = [Int?](repeating: nil, count: ImportFile.Field.allCases.count)
    private let width: Int

    /// Reads and checks the header row.
    init(_ input: ByteStream, fileName: String) throws(KeyStoreError) {
        self.fileName = fileName
        reader = CSVReader(input)
        guard reader.read(into: &record) else {
            if let error = reader.error { throw KeyStoreError(.invalidInput, "\(fileName):\(error.line): \(error.problem)") }
            throw KeyStoreError(.invalidInput, "\(fileName): the file is empty; expected a header row such as name,env,scopes")
        }
        width = record.count
        for index in 0..<record.count {
            let title = record.string(index).trimmingCharacters(in: .whitespaces).lowercased()
            guard let field = ImportFile.Field(rawValue: title) else {
                throw KeyStoreError(.invalidInput, "\(fileName):1: unknown column '\(title)'; columns are \(ImportFile.Field.list)")
            }
            guard columns[field.index] == nil else {
                throw KeyStoreError(.invalidInput, "\(fileName):1: column '\(title)' appears twice")
            }
            columns[field.index] = index
        }
        for required in [ImportFile.Field.name, .env, .scopes] where columns[required.index] == nil {
            throw KeyStoreError(.invalidInput, "\(fileName):1: missing the required column '\(required.rawValue)'")
        }
    }

    mutating func next() throws(KeyStoreError) -> ImportEntry? {
        while reader.read(into: &record) {
            if record.isBlank { continue }
            let location = "\(fileName):\(record.line)"
            guard record.count == width else {
                throw KeyStoreError(
                    .invalidInput, "\(location): expected \(width) fields, found \(record.count) (quote fields that contain commas)")
            }
            let record = self.record
            let columns = self.columns
            return try ImportEntry(location: location) { field in columns[field.index].map { record[$0] } }
        }
        if let error = reader.error { throw KeyStoreError(.invalidInput, "\(fileName):\(error.line): \(error.problem)") }
        return nil
    }
}
