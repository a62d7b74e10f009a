import Foundation
import KeyStore
import KeyctlTestSupport

extension FuzzTarget {
    /// `keyctl import` of a CSV file: see `checkImport`.
    static let importCSV = FuzzTarget(name: "import-csv") { bytes in checkImport(bytes, fileName: "keys.csv") }

    /// `keyctl import` of a JSON file: see `checkImport`.
    static let importJSON = FuzzTarget(name: "import-json") { bytes in checkImport(bytes, fileName: "keys.json") }

    /// `ImportFile.parse` either throws an `invalidInput` error on one line that starts with the
    /// file's name, or returns entries that, written back as CSV and as JSON, read back the same.
    private static func checkImport(_ bytes: [UInt8], fileName: String) {
        let drafts: [KeyDraft]
        do {
            drafts = try ImportFile.parse(Data(bytes), fileName: fileName).map(\.draft)
        } catch {
            invariant(error.category == .invalidInput, "an import error that is not invalidInput: \(error)")
            invariant(error.message.hasPrefix(fileName), "an import error that does not name the file: \(error)")
            invariant(!error.message.contains(where: \.isNewline), "a multi-line import error: \(error)")
            return
        }
        for (format, written) in [("CSV", ImportFileWriter.csv(drafts)), ("JSON", ImportFileWriter.json(drafts))] {
            let name = format == "CSV" ? "again.csv" : "again.json"
            do {
                let again = try ImportFile.parse(written, fileName: name).map(\.draft)
                invariant(again == drafts, "entries written as \(format) read back differently")
            } catch {
                invariant(false, "entries written as \(format) do not read back: \(error)")
            }
        }
    }
}
