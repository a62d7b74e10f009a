/// A well-known credential shape: a public prefix, then a body of one byte class whose length is
/// in a range, ending where the class ends, and sometimes a checksum that rejects look-alikes.
///
/// The prefix is what the provider prints openly (`ghp_`, `sk_live_`, `AKIA`); it is kept in the
/// masked form shown to the user. The body is the secret part.
struct TokenFormat: Sendable {
    /// The detector id reported as the rule (`github-pat`, `stripe-secret-key`).
    var id: String
    /// A short human description (`GitHub personal access token`).
    var title: String
    var prefix: [UInt8]
    var body: ByteClass
    var length: ClosedRange<Int>
    var validation: TokenValidation = .shape

    init(_ id: String, _ title: String, prefix: String, body: ByteClass, length: ClosedRange<Int>, validation: TokenValidation = .shape) {
        self.id = id
        self.title = title
        self.prefix = Array(prefix.utf8)
        self.body = body
        self.length = length
        self.validation = validation
    }
}

/// How a format tells a real token from a string of the same shape.
enum TokenValidation: Sendable {
    /// The shape is all there is to check.
    case shape
    /// GitHub's classic tokens and npm's: the last 6 body characters are the base62 CRC-32 of the
    /// body before them. A wrong checksum is a look-alike and is not reported.
    case bodyChecksum
}
