/// How an error names the record of a damaged registry row, from values read back from it: a
/// hand-edited value may be megabytes long, so each is cut to `limit` characters.
public enum DamagedRowLabel {
    /// The most characters of a stored value an error repeats.
    public static let limit = 64

    /// `text` as an error names it: "?" when it could not be read, cut to `limit` characters.
    public static func value(_ text: String?) -> String {
        guard let text else { return "?" }
        return text.count > limit ? text.prefix(limit) + "…" : text
    }
}
