import KeyStore

/// A `local` issuer's prefix as keyctl.toml writes it (`sk_`, `sk_{env}_`), used to find the keys
/// that issuer minted: the prefix, 43 base62 characters and a 6-character checksum of both (see
/// `LocalKeyFormat`). `{name}` and `{env}` stand for a key or environment name.
struct LocalKeyTemplate: Sendable {
    private enum Segment: Sendable {
        case literal([UInt8])
        case placeholder
    }

    /// The prefix as written.
    let text: String
    /// The literal text the prefix starts with, where the scanner looks for it.
    let anchor: [UInt8]
    private let segments: [Segment]

    /// The longest text a placeholder can stand for: a key or environment name.
    static let placeholderLimit = 64

    /// Nil when the prefix does not start with literal text (`{env}_key_`): such keys are not looked for.
    init?(_ text: String) {
        var segments: [Segment] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("{name}") || rest.hasPrefix("{env}") {
                segments.append(.placeholder)
                rest = rest.dropFirst(rest.hasPrefix("{name}") ? 6 : 5)
            } else {
                let end = [rest.range(of: "{name}")?.lowerBound, rest.range(of: "{env}")?.lowerBound].compactMap { $0 }.min() ?? rest.endIndex
                segments.append(.literal(Array(rest[..<end].utf8)))
                rest = rest[end...]
            }
        }
        guard case .literal(let anchor)? = segments.first else { return nil }
        self.text = text
        self.anchor = anchor
        self.segments = segments
    }

    /// The longest prefix this template can produce.
    var maximumLength: Int {
        segments.reduce(0) { total, segment in
            switch segment {
            case .literal(let bytes): total + bytes.count
            case .placeholder: total + Self.placeholderLimit
            }
        }
    }

    /// True when `prefix` is this template with each placeholder filled by a name.
    func matches(_ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        matches(prefix, from: 0, segment: 0)
    }

    private func matches(_ prefix: UnsafeBufferPointer<UInt8>, from start: Int, segment: Int) -> Bool {
        guard segment < segments.count else { return start == prefix.count }
        switch segments[segment] {
        case .literal(let bytes):
            guard prefix.count - start >= bytes.count else { return false }
            for (offset, byte) in bytes.enumerated() where prefix[start + offset] != byte { return false }
            return matches(prefix, from: start + bytes.count, segment: segment + 1)
        case .placeholder:
            var end = start
            while end < prefix.count, end - start < Self.placeholderLimit, Self.isNameByte(prefix[end]) {
                end += 1
                if matches(prefix, from: end, segment: segment + 1) { return true }
            }
            return false
        }
    }

    /// The characters of key and environment names: `a-z`, `0-9`, `.`, `_`, `-`.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte &- 97) < 26 || (byte &- 48) < 10 || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
