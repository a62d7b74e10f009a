/// One key of an import file, with where it came from so that errors can name it.
public struct ImportEntry: Sendable, Equatable {
    public var draft: KeyDraft
    /// Such as `line 12` or `entry 3`.
    public var location: String

    public init(draft: KeyDraft, location: String) {
        self.draft = draft
        self.location = location
    }
}
