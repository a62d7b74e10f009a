import Foundation
import KeyStore
import Rotation

/// An AWS access key pair (and session token, for temporary credentials) that keyctl signs its
/// own requests with. Loaded the way the AWS CLI loads them.
public struct AWSCredentials: Sendable {
    public let accessKeyID: String
    public let secretAccessKey: Secret
    public let sessionToken: Secret?

    public init(accessKeyID: String, secretAccessKey: Secret, sessionToken: Secret? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN` when set (and no profile is
    /// named in keyctl.toml), else the profile (`profile`, else `AWS_PROFILE`, else `default`) of the
    /// shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/credentials`).
    public static func load(environment: [String: String], profile: String?, adapter: String) throws -> AWSCredentials {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if profile == nil, let id = value("AWS_ACCESS_KEY_ID"), let secret = value("AWS_SECRET_ACCESS_KEY") {
            return AWSCredentials(
                accessKeyID: id, secretAccessKey: try Secret(reading: secret), sessionToken: try value("AWS_SESSION_TOKEN").map { try Secret(reading: $0) })
        }
        let home = value("HOME") ?? NSHomeDirectory()
        let file = value("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        let name = profile ?? value("AWS_PROFILE") ?? "default"
        guard let data = FileManager.default.contents(atPath: file) else {
            throw AdapterError(
                .needsOperator, adapter: adapter,
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or add profile '\(name)' to \(file)")
        }
        let section = INISections.parse(String(decoding: data, as: UTF8.self))[name] ?? [:]
        guard let id = section["aws_access_key_id"], let secret = section["aws_secret_access_key"] else {
            throw AdapterError(.needsOperator, adapter: adapter, "profile '\(name)' in \(file) has no aws_access_key_id and aws_secret_access_key")
        }
        return AWSCredentials(
            accessKeyID: id, secretAccessKey: try Secret(reading: secret), sessionToken: try section["aws_session_token"].map { try Secret(reading: $0) })
    }
}

/// The `[section]` / `key = value` format of AWS's shared credentials file.
enum INISections {
    static func parse(_ text: String) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            sections[current, default: [:]][key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return sections
    }
}
