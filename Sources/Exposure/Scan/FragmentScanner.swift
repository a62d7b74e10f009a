import Foundation
import KeyStore

/// Scans one fragment's bytes with every detector, on one thread: it owns its compiled gitleaks
/// expressions (ICU's compiled patterns are not shared between threads).
final class FragmentScanner {
    private struct Rule {
        let source: GitleaksRule
        let regex: NSRegularExpression
        let path: NSRegularExpression?
        let keywords: [[UInt8]]
        let allowlists: [CompiledAllowlist]
    }

    private let tokens: TokenScanner
    private let rules: [Rule]
    private let globalAllowlists: [CompiledAllowlist]
    /// How long one gitleaks rule may search one fragment. ICU backtracks where gitleaks' RE2 does
    /// not, so a pattern such as `(a+)+$` could otherwise run for hours on one line.
    static let ruleTimeLimit: TimeInterval = 1
    /// How many times a rule's search of a fragment was given up at the time limit.
    private(set) var ruleTimeouts = 0

    init(_ detectors: ScanDetectors) {
        tokens = detectors.tokens
        rules = detectors.rules.rules.compactMap { rule in
            guard let regex = try? GoRegex.compile(rule.regex).get() else { return nil }
            return Rule(
                source: rule, regex: regex, path: rule.path.flatMap { try? GoRegex.compile($0).get() },
                keywords: rule.keywords.map { Array($0.utf8) }, allowlists: rule.allowlists.map(CompiledAllowlist.init))
        }
        globalAllowlists = detectors.rules.allowlists.map(CompiledAllowlist.init)
    }

    /// The findings in `bytes`, in order of detector then position.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ fragment: ScanFragment, into hits: inout [ScanHit]) {
        var lines = LineCounter()
        tokens.scan(bytes) { token in
            let secret = Array(bytes[token.range])
            var allowlisted = false
            if !globalAllowlists.isEmpty {
                let text = String(decoding: secret, as: UTF8.self)
                let subject = AllowlistSubject(
                    secret: text, match: text, line: Self.line(around: token.range, in: bytes), path: fragment.path, commit: fragment.commit)
                allowlisted = globalAllowlists.contains(where: { $0.source.applies(to: token.rule) && $0.allows(subject) })
            }
            guard let evidence = try? Secret(bytes: secret) else { return }
            let location = fragment.location(lineIndex: lines.line(at: token.range.lowerBound, in: bytes))
            hits.append(ScanHit(
                finding: LeakFinding(evidence: .secret(evidence), rule: token.rule, location: location),
                masked: ScanHit.masked(secret, publicPrefixLength: token.publicPrefixLength), allowlisted: allowlisted))
        }
        guard !rules.isEmpty else { return }
        var text: String?
        for rule in rules {
            if let path = rule.path, !path.occurs(in: fragment.path) { continue }
            if !rule.keywords.isEmpty, !rule.keywords.contains(where: { Self.contains(bytes, lowercased: $0) }) { continue }
            let decoded = text ?? String(decoding: bytes, as: UTF8.self)
            text = decoded
            scan(decoded, with: rule, fragment, into: &hits)
        }
    }

    private func scan(_ text: String, with rule: Rule, _ fragment: ScanFragment, into hits: inout [ScanHit]) {
        let whole = text as NSString
        let utf8 = Array(text.utf8)
        var lines = 0
        var counted = 0
        var matches: [NSTextCheckingResult] = []
        let deadline = Date().addingTimeInterval(Self.ruleTimeLimit)
        var timedOut = false
        rule.regex.enumerateMatches(in: text, options: .reportProgress, range: NSRange(location: 0, length: whole.length)) { match, _, stop in
            if let match { matches.append(match) }
            if Date() > deadline {
                timedOut = true
                stop.pointee = true
            }
        }
        if timedOut { ruleTimeouts += 1 }
        for match in matches {
            guard let range = secretRange(match, group: rule.source.secretGroup), range.length > 0 else { continue }
            let secret = whole.substring(with: range)
            if let minimum = rule.source.entropy, Self.entropy(of: secret) < minimum { continue }
            guard let start = Range(range, in: text)?.lowerBound else { continue }
            let offset = text.utf8.distance(from: text.utf8.startIndex, to: start)
            if offset < counted { lines = 0; counted = 0 }
            for index in counted..<offset where utf8[index] == 0x0A { lines += 1 }
            counted = offset
            let subject = AllowlistSubject(
                secret: secret, match: whole.substring(with: match.range), line: Self.line(at: offset, in: utf8), path: fragment.path,
                commit: fragment.commit)
            let allowlisted = rule.allowlists.contains(where: { $0.allows(subject) })
                || globalAllowlists.contains(where: { $0.source.applies(to: rule.source.id) && $0.allows(subject) })
            let bytes = Array(secret.utf8)
            guard let evidence = try? Secret(bytes: bytes) else { continue }
            hits.append(ScanHit(
                finding: LeakFinding(evidence: .secret(evidence), rule: rule.source.id, location: fragment.location(lineIndex: lines)),
                masked: ScanHit.masked(bytes, publicPrefixLength: 0), allowlisted: allowlisted))
        }
    }

    /// gitleaks' choice of the secret: the `secretGroup`, else the first group that matched, else
    /// the whole match.
    private func secretRange(_ match: NSTextCheckingResult, group: Int) -> NSRange? {
        if group > 0 {
            let range = match.range(at: group)
            return range.location == NSNotFound ? nil : range
        }
        for index in stride(from: 1, to: match.numberOfRanges, by: 1) {
            let range = match.range(at: index)
            if range.location != NSNotFound, range.length > 0 { return range }
        }
        return match.range
    }

    /// Shannon entropy in bits per character.
    static func entropy(of text: String) -> Double {
        var counts: [Unicode.Scalar: Int] = [:]
        var total = 0
        for scalar in text.unicodeScalars {
            counts[scalar, default: 0] += 1
            total += 1
        }
        guard total > 0 else { return 0 }
        return counts.values.reduce(0) { sum, count in
            let share = Double(count) / Double(total)
            return sum - share * log2(share)
        }
    }

    /// True when `bytes`, lowercased (ASCII), contain `needle` (already lowercase).
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, lowercased needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return needle.isEmpty }
        let last = bytes.count - needle.count
        var index = 0
        while index <= last {
            if lower(bytes[index]) == first {
                var offset = 1
                while offset < needle.count, lower(bytes[index + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return true }
            }
            index += 1
        }
        return false
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 { (byte &- 65) < 26 ? byte | 0x20 : byte }

    private static func line(around range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) -> String {
        var start = range.lowerBound, end = range.upperBound
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func line(at offset: Int, in bytes: [UInt8]) -> String {
        bytes.withUnsafeBufferPointer { line(around: offset..<offset, in: $0) }
    }
}
