import KeyStore

/// Finds keyctl's local keys and the built-in credential formats in raw bytes.
///
/// It never decodes text: a 2-byte table of the prefixes' first two bytes rejects almost every
/// position with one lookup, and only the rare positions that pass are compared with the prefixes
/// that start there. A token must not continue a word on its left (the byte before it is not a
/// letter or digit) and must end where its body's characters end.
struct TokenScanner: Sendable {
    /// The id keyctl's own keys are reported under.
    static let localRule = "keyctl-local-key"

    private enum Detector: Sendable {
        case local(LocalKeyTemplate)
        case format(TokenFormat)

        var anchor: [UInt8] {
            switch self {
            case .local(let template): template.anchor
            case .format(let format): format.prefix
            }
        }
    }

    private enum Outcome {
        case none
        case hit(TokenHit)
        /// The text has the format's exact shape but fails its checksum: a look-alike, which no
        /// other format may claim either.
        case rejected(end: Int)
    }

    private let detectors: [Detector]
    /// Bit `b0 << 8 | b1` is set when some detector's anchor starts with bytes b0, b1.
    private let pairBits: [UInt64]
    /// For each first byte, the detectors whose anchor starts with it, local keys first.
    private let byFirstByte: [[Int]]

    /// The detectors for keyctl's local keys with `localPrefixes` (keyctl.toml's `local` issuers
    /// and the default `sk_`) and for the built-in formats.
    init(localPrefixes: [String], formats: [TokenFormat] = TokenFormat.builtIn) {
        var detectors: [Detector] = []
        for prefix in Set(localPrefixes).sorted(by: { $0.utf8.count > $1.utf8.count }) {
            if let template = LocalKeyTemplate(prefix) { detectors.append(.local(template)) }
        }
        detectors += formats.map(Detector.format)
        var pairBits = [UInt64](repeating: 0, count: 1024)
        var byFirstByte = [[Int]](repeating: [], count: 256)
        for (index, detector) in detectors.enumerated() {
            let anchor = detector.anchor
            byFirstByte[Int(anchor[0])].append(index)
            let seconds: [UInt8] = anchor.count > 1 ? [anchor[1]] : Array(0...255)
            for second in seconds {
                let pair = Int(anchor[0]) << 8 | Int(second)
                pairBits[pair >> 6] |= 1 << UInt64(pair & 63)
            }
        }
        self.detectors = detectors
        self.pairBits = pairBits
        self.byFirstByte = byFirstByte
    }

    /// The rules this scanner reports under, with their titles, in a stable order.
    var rules: [(id: String, title: String)] {
        var seen: Set<String> = []
        var rules: [(String, String)] = []
        for detector in detectors {
            let rule: (String, String)
            switch detector {
            case .local: rule = (Self.localRule, "keyctl local key")
            case .format(let format): rule = (format.id, format.title.replacingOccurrences(of: " live ", with: " ").replacingOccurrences(of: " test ", with: " "))
            }
            if seen.insert(rule.0).inserted { rules.append(rule) }
        }
        return rules
    }

    /// Calls `found` with each token in `bytes`, in order.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ found: (TokenHit) -> Void) {
        let count = bytes.count
        guard count >= 2, let base = bytes.baseAddress else { return }
        pairBits.withUnsafeBufferPointer { bits in
            var index = 0
            var previous: UInt8 = 0
            while index < count - 1 {
                let first = base[index]
                let pair = Int(first) << 8 | Int(base[index + 1])
                if bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0, !Self.isWordByte(previous) || index == 0 {
                    switch match(bytes, at: index) {
                    case .none: break
                    case .hit(let hit):
                        found(hit)
                        index = hit.range.upperBound
                        previous = base[index - 1]
                        continue
                    case .rejected(let end):
                        index = end
                        previous = base[index - 1]
                        continue
                    }
                }
                previous = first
                index += 1
            }
        }
    }

    private func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Outcome {
        for index in byFirstByte[Int(bytes[start])] {
            let outcome: Outcome
            switch detectors[index] {
            case .local(let template): outcome = match(template, bytes, at: start)
            case .format(let format): outcome = match(format, bytes, at: start)
            }
            if case .none = outcome { continue }
            return outcome
        }
        return .none
    }

    private func match(_ format: TokenFormat, _ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Outcome {
        let prefix = format.prefix
        guard bytes.count - start > prefix.count else { return .none }
        for offset in 1..<prefix.count where bytes[start + offset] != prefix[offset] { return .none }
        let bodyStart = start + prefix.count
        var end = bodyStart
        let limit = min(bytes.count, bodyStart + format.length.upperBound + 1)
        while end < limit, format.body.contains(bytes[end]) { end += 1 }
        let length = end - bodyStart
        guard format.length.contains(length), end == bytes.count || !Self.isWordByte(bytes[end]) else { return .none }
        switch format.validation {
        case .shape:
            break
        case .bodyChecksum:
            let checked = UnsafeBufferPointer(rebasing: bytes[bodyStart..<(end - Base62Checksum.length)])
            let checksum = UnsafeBufferPointer(rebasing: bytes[(end - Base62Checksum.length)..<end])
            guard Base62Checksum.matches(checked, checksum: checksum) else { return .rejected(end: end) }
        }
        return .hit(TokenHit(rule: format.id, title: format.title, range: start..<end, publicPrefixLength: prefix.count))
    }

    /// A local key: the template's prefix, then 49 base62 characters ending a run of them, the last
    /// 6 the checksum of everything before.
    private func match(_ template: LocalKeyTemplate, _ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Outcome {
        let anchor = template.anchor
        guard bytes.count - start >= anchor.count + LocalKeyFormat.tailLength else { return .none }
        for offset in 1..<anchor.count where bytes[start + offset] != anchor[offset] { return .none }
        let limit = min(bytes.count, start + template.maximumLength + LocalKeyFormat.tailLength + 1)
        var index = start + anchor.count
        var runStart = index
        while index <= limit {
            let byte: UInt8? = index < bytes.count ? bytes[index] : nil
            if let byte, Base62Checksum.isDigit(byte) {
                index += 1
                continue
            }
            // A run of base62 characters ends at `index`.
            if index - runStart >= LocalKeyFormat.tailLength {
                let bodyStart = index - LocalKeyFormat.tailLength
                let prefix = UnsafeBufferPointer(rebasing: bytes[start..<bodyStart])
                if template.matches(prefix) {
                    let checked = UnsafeBufferPointer(rebasing: bytes[start..<(index - Base62Checksum.length)])
                    let checksum = UnsafeBufferPointer(rebasing: bytes[(index - Base62Checksum.length)..<index])
                    guard Base62Checksum.matches(checked, checksum: checksum) else { return .rejected(end: index) }
                    return .hit(TokenHit(rule: Self.localRule, title: "keyctl local key (\(template.text))", range: start..<index, publicPrefixLength: prefix.count))
                }
            }
            guard let byte, ByteClass.localKey.contains(byte) else { return .none }
            index += 1
            runStart = index
        }
        return .none
    }

    /// Letters and digits: a token may not start in the middle of a word.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool { Base62Checksum.isDigit(byte) }
}
