/// One entry of a dotenv file as written: usually one line, several when a quoted value spans
/// lines. Serialising it gives back its bytes exactly.
public struct DotenvLine: Sendable, Equatable {
    /// How the line ends; each line keeps its own.
    public enum Ending: Sendable, Equatable {
        case lineFeed
        case carriageReturnLineFeed
        /// The last line of a file that does not end with a newline.
        case none

        var bytes: [UInt8] {
            switch self {
            case .lineFeed: [DotenvSyntax.lineFeed]
            case .carriageReturnLineFeed: [DotenvSyntax.carriageReturn, DotenvSyntax.lineFeed]
            case .none: []
            }
        }
    }

    /// What the line holds.
    public enum Content: Sendable, Equatable {
        /// `NAME=value`, in any of the supported forms.
        case assignment(DotenvAssignment)
        /// A line that starts assigning `name` but whose value cannot be read: a quote that is never
        /// closed, or text after the closing quote. Kept as written; keyctl refuses to use it.
        case unreadable(name: [UInt8], bytes: [UInt8])
        /// A blank line, a comment, or anything else: kept as written.
        case other([UInt8])
    }

    public var content: Content
    public var ending: Ending

    public init(content: Content, ending: Ending) {
        self.content = content
        self.ending = ending
    }

    /// The line's bytes, its ending included.
    public var bytes: [UInt8] {
        switch content {
        case .assignment(let assignment): assignment.bytes + ending.bytes
        case .unreadable(_, let bytes), .other(let bytes): bytes + ending.bytes
        }
    }

    /// The value the line assigns; nil when it assigns nothing readable.
    var value: [UInt8]? {
        if case .assignment(let assignment) = content { assignment.value } else { nil }
    }

    /// The variable the line assigns, readable or not.
    var name: [UInt8]? {
        switch content {
        case .assignment(let assignment): assignment.name
        case .unreadable(let name, _): name
        case .other: nil
        }
    }
}
