import Foundation
import KeyStore
import TOMLKit

/// The rules and global allowlists of a gitleaks v8 config file (`--rules`), so a team scans with
/// the config it already has.
///
/// Read: `[[rules]]` (`id`, `description`, `regex`, `secretGroup`, `entropy`, `keywords`, `path`,
/// `[[rules.allowlists]]` and the older `[rules.allowlist]`), global `[[allowlists]]` (with
/// `targetRules`) and the older `[allowlist]`. Not run, with a warning: `[extend]` (gitleaks'
/// default rules are not part of keyctl, whose own detectors run anyway), rules with a `path` and
/// no `regex` (they flag files, not secrets), and rules without a `regex` that only adjust a
/// default rule.
public struct GitleaksRuleSet: Sendable {
    var rules: [GitleaksRule] = []
    var allowlists: [GitleaksAllowlist] = []
    /// One line each, for standard error.
    public private(set) var warnings: [String] = []

    /// Larger files are refused: a rules file is a config, not data.
    static let maximumBytes = 1 << 20

    /// The rule ids, in file order.
    public var ruleIDs: [String] { rules.map(\.id) }

    init() {}

    /// Reads and checks the config at `path`. Throws a bad-input `ScanError` naming the file (and
    /// the rule) when it cannot be read, is not TOML, has a field of the wrong type, or has an
    /// expression that does not compile.
    public static func load(path: String) throws(ScanError) -> GitleaksRuleSet {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ScanError(.badInput, "--rules \(path): cannot be read")
        }
        guard data.count <= maximumBytes else { throw ScanError(.badInput, "--rules \(path): larger than 1 MiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw ScanError(.badInput, "--rules \(path): not UTF-8 text") }
        return try GitleaksRuleSet(parsing: text, file: path)
    }

    /// Parses a config's text; `file` names it in errors.
    public init(parsing text: String, file: String) throws(ScanError) {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ScanError(.badInput, "--rules \(file):\(error.source.begin.line): not valid TOML: \(error.description)")
        } catch {
            throw ScanError(.badInput, "--rules \(file): not valid TOML")
        }
        let reader = Reader(file: file)
        if root["extend"] != nil {
            warnings.append("--rules \(file): [extend] is ignored: gitleaks' default rules are not part of keyctl (its own detectors run)")
        }
        for (index, table) in try reader.tables(root["rules"], "[[rules]]").enumerated() {
            guard let id = try reader.string(table["id"], "[[rules]] number \(index + 1) id"), !id.isEmpty else {
                throw ScanError(.badInput, "--rules \(file): [[rules]] number \(index + 1) has no id")
            }
            // Rule ids are printed in every finding: no terminal control or bidirectional override.
            guard !id.unicodeScalars.contains(where: TerminalText.isUnsafe), id.count <= 200 else {
                throw ScanError(
                    .badInput,
                    "--rules \(file): [[rules]] number \(index + 1) has an id with control characters or over 200 characters: \(TerminalText.escaped(String(id.prefix(60))))")
            }
            let context = "rule '\(id)'"
            let regex = try reader.string(table["regex"], "\(context) regex")
            let path = try reader.string(table["path"], "\(context) path")
            if let path { try reader.check(path, "\(context) path") }
            guard let regex else {
                warnings.append(path == nil
                    ? "--rules \(file): \(context) has no regex (it adjusts a gitleaks default rule): ignored"
                    : "--rules \(file): \(context) has only a path (it flags files, not secrets): ignored")
                continue
            }
            try reader.check(regex, context)
            var rule = GitleaksRule(id: id, regex: regex)
            rule.description = try reader.string(table["description"], "\(context) description")
            rule.path = path
            if let group = table["secretGroup"] {
                guard let value = group.int, value >= 0 else { throw reader.wrong("\(context) secretGroup", "a whole number from 0") }
                let groups = (try? NSRegularExpression(pattern: GoRegex.translated(regex)).numberOfCaptureGroups) ?? 0
                guard value <= groups else {
                    throw ScanError(.badInput, "--rules \(file): \(context) has secretGroup \(value) but its regex has \(groups) groups")
                }
                rule.secretGroup = value
            }
            if let entropy = table["entropy"] {
                guard let value = entropy.double ?? entropy.int.map(Double.init), value >= 0 else {
                    throw reader.wrong("\(context) entropy", "a number")
                }
                rule.entropy = value > 0 ? value : nil
            }
            rule.keywords = try reader.strings(table["keywords"], "\(context) keywords").map { $0.lowercased() }.filter { !$0.isEmpty }
            var lists = try reader.tables(table["allowlists"], "\(context) allowlists")
            if let single = table["allowlist"] {
                guard let single = single.table else { throw reader.wrong("\(context) allowlist", "a table") }
                lists.append(single)
            }
            rule.allowlists = try lists.map { list throws(ScanError) in try reader.allowlist(list, "\(context) allowlist") }
            rules.append(rule)
        }
        var globals = try reader.tables(root["allowlists"], "[[allowlists]]")
        if let single = root["allowlist"] {
            guard let single = single.table else { throw reader.wrong("[allowlist]", "a table") }
            globals.append(single)
        }
        allowlists = try globals.map { list throws(ScanError) in try reader.allowlist(list, "global allowlist", global: true) }
    }

    /// Reads typed values, throwing errors that name the file and the field.
    private struct Reader {
        let file: String

        func wrong(_ field: String, _ expected: String) -> ScanError {
            ScanError(.badInput, "--rules \(file): \(field) must be \(expected)")
        }

        func check(_ pattern: String, _ context: String) throws(ScanError) {
            if case .failure(let error) = GoRegex.compile(pattern) {
                throw ScanError(.badInput, "--rules \(file): \(context): \(error.description)")
            }
        }

        func string(_ value: (any TOMLValueConvertible)?, _ field: String) throws(ScanError) -> String? {
            guard let value else { return nil }
            guard let text = value.string else { throw wrong(field, "a string") }
            return text
        }

        func strings(_ value: (any TOMLValueConvertible)?, _ field: String) throws(ScanError) -> [String] {
            guard let value else { return [] }
            guard let array = value.array else { throw wrong(field, "an array of strings") }
            var result: [String] = []
            for item in array {
                guard let text = item.string else { throw wrong(field, "an array of strings") }
                result.append(text)
            }
            return result
        }

        func tables(_ value: (any TOMLValueConvertible)?, _ field: String) throws(ScanError) -> [TOMLTable] {
            guard let value else { return [] }
            guard let array = value.array else { throw wrong(field, "an array of tables") }
            var result: [TOMLTable] = []
            for item in array {
                guard let table = item.table else { throw wrong(field, "an array of tables") }
                result.append(table)
            }
            return result
        }

        func allowlist(_ table: TOMLTable, _ context: String, global: Bool = false) throws(ScanError) -> GitleaksAllowlist {
            var list = GitleaksAllowlist()
            switch try string(table["condition"], "\(context) condition")?.uppercased() {
            case nil, "OR": list.conjunctive = false
            case "AND": list.conjunctive = true
            default: throw wrong("\(context) condition", "\"OR\" or \"AND\"")
            }
            if let target = try string(table["regexTarget"], "\(context) regexTarget") {
                guard let value = GitleaksAllowlist.Target(rawValue: target) else {
                    throw wrong("\(context) regexTarget", "\"secret\", \"match\" or \"line\"")
                }
                list.target = value
            }
            list.regexes = try strings(table["regexes"], "\(context) regexes")
            list.paths = try strings(table["paths"], "\(context) paths")
            for pattern in list.regexes + list.paths { try check(pattern, context) }
            list.stopwords = try strings(table["stopwords"], "\(context) stopwords").map { $0.lowercased() }.filter { !$0.isEmpty }
            list.commits = Set(try strings(table["commits"], "\(context) commits"))
            if global { list.targetRules = try strings(table["targetRules"], "\(context) targetRules") }
            return list
        }
    }
}
