/// A credential found by a `TokenScanner`: which detector, and where in the scanned bytes.
struct TokenHit: Sendable {
    var rule: String
    var title: String
    /// The token's byte range in the scanned buffer.
    var range: Range<Int>
    /// How many of its first bytes are the format's public prefix, shown in the masked form.
    var publicPrefixLength: Int
}
