/// RFC 6901 JSON Pointers (`/api_key/secret`, `/data/0/id`) into values from JSONSerialization.
public struct JSONPointer: Sendable, Equatable, CustomStringConvertible {
    let tokens: [String]
    public let description: String

    /// Nil unless `text` is empty (the whole document) or starts with `/`.
    public init?(_ text: String) {
        guard text.isEmpty || text.hasPrefix("/") else { return nil }
        description = text
        tokens = text.isEmpty ? [] : text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// The value the pointer names in `document`, or nil when there is none.
    public func resolve(in document: Any) -> Any? {
        var current: Any = document
        for token in tokens {
            if let object = current as? [String: Any], let next = object[token] {
                current = next
            } else if let array = current as? [Any], let index = Int(token), array.indices.contains(index) {
                current = array[index]
            } else {
                return nil
            }
        }
        return current
    }
}
