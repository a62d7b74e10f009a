/// Why `keyctl scan` could not scan: bad input (a rules or baseline file, a path that is not a
/// repository; exit 65) or a failure of the machine around it (git missing or failing; exit 1).
public struct ScanError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// A file or path given by the user is not what it must be.
        case badInput
        /// Something else failed.
        case failed
    }

    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
