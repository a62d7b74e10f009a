/// A scanner report keyctl cannot read: which file, where in it, and what is wrong.
///
/// The message never quotes the report's content, which holds plaintext secrets.
public struct ScannerReportError: Error, CustomStringConvertible, Equatable {
    /// The report file as the user named it.
    public let file: String
    /// Where in the file: `line 12` (JSON lines), `finding 4: StartLine` (a JSON document); nil for the whole file.
    public let place: String?
    public let problem: String

    public init(file: String, place: String? = nil, problem: String) {
        self.file = file
        self.place = place
        self.problem = problem
    }

    public var description: String {
        "\(file): " + (place.map { "\($0): " } ?? "") + problem
    }
}
