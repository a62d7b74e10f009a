import Crypto
import KeyStore
import Foundation

/// `keyctl scan --format sarif`: a SARIF 2.1.0 log for code-scanning UIs. Unlike gitleaks', it
/// never holds the secret: the snippet is the masked form, and the partial fingerprint is a hash
/// of rule, path and the secret's registry fingerprint.
///
/// Levels: `error` for a live registered version, `warning` for an unknown key-like string,
/// `note` for a revoked version.
public enum SARIFLog {
    /// The log as JSON.
    public static func encode(_ leaks: [ScannedLeak], catalog: [(id: String, title: String)], version: String) throws -> Data {
        let rules = catalog.map { rule in
            Rule(id: rule.id, name: rule.id, shortDescription: Message(text: rule.title), defaultConfiguration: Configuration(level: "error"))
        }
        let results = leaks.map { leak in
            let location = leak.finding.location
            let uri = location.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? location.path
            let identity = "\(leak.finding.rule)\u{0}\(location.path)\u{0}\(leak.fingerprint?.rawValue ?? "")"
            var properties = Properties(severity: leak.verdict.severity.rawValue, masked: leak.masked)
            if case .registered(let found) = leak.verdict {
                properties.key = found.key.name.rawValue
                properties.env = found.key.env.rawValue
                properties.versionStage = found.version.stage.rawValue
            }
            properties.commit = location.commit
            properties.author = location.author
            properties.date = location.date.map { Timestamp.format($0) }
            return Result(
                ruleId: leak.finding.rule, level: level(leak.verdict.severity),
                message: Message(text: "\(leak.masked): \(leak.verdictText)"),
                locations: [Location(physicalLocation: PhysicalLocation(
                    artifactLocation: ArtifactLocation(uri: uri),
                    region: Region(startLine: max(location.line ?? 1, 1), snippet: Message(text: leak.masked))))],
                partialFingerprints: ["keyctlFinding/v1": SHA256.hash(data: Data(identity.utf8)).map { String(format: "%02x", $0) }.joined()],
                properties: properties)
        }
        let log = Log(runs: [Run(tool: Tool(driver: Driver(name: "keyctl", version: version, informationUri: "https://github.com/keyctl/keyctl", rules: rules)), results: results)])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(log)
    }

    static func level(_ severity: LeakSeverity) -> String {
        switch severity {
        case .critical: "error"
        case .unknown: "warning"
        case .revoked: "note"
        }
    }

    private struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    private struct Run: Encodable { var tool: Tool; var results: [Result] }
    private struct Tool: Encodable { var driver: Driver }
    private struct Driver: Encodable { var name: String; var version: String; var informationUri: String; var rules: [Rule] }
    private struct Rule: Encodable { var id: String; var name: String; var shortDescription: Message; var defaultConfiguration: Configuration }
    private struct Configuration: Encodable { var level: String }
    private struct Message: Encodable { var text: String }
    private struct Result: Encodable {
        var ruleId: String
        var level: String
        var message: Message
        var locations: [Location]
        var partialFingerprints: [String: String]
        var properties: Properties
    }
    private struct Location: Encodable { var physicalLocation: PhysicalLocation }
    private struct PhysicalLocation: Encodable { var artifactLocation: ArtifactLocation; var region: Region }
    private struct ArtifactLocation: Encodable { var uri: String }
    private struct Region: Encodable { var startLine: Int; var snippet: Message }
    private struct Properties: Encodable {
        var severity: String
        var masked: String
        var key: String?
        var env: String?
        var versionStage: String?
        var commit: String?
        var author: String?
        var date: String?
    }
}
