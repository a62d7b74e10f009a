import Foundation
/// A command that failed for a reason found by the CLI itself (not the registry or config).
struct CommandFailure: Error, CustomStringConvertible {
    enum Kind {
        /// A mistake in how the command was called: exit 64.
        case usage
        /// Malformed input data: exit 65.
        case badInput
        /// Any other failed operation: exit 1.
        case failed
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    var description: String { message }
}
