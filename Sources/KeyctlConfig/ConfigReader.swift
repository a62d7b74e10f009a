import Foundation
import Adapters
import KeyStore

/// Checks the shape of parsed TOML against what keyctl expects; every error names the line.
struct ConfigReader {
    let file: String

    static let policyKeys: Set<String> = ["max_age", "warn_window"]
    static let bindingKeys: Set<String> = ["issuer", "targets", "verifier", "notifiers", "grace"]
    static let awsConnectionKeys: Set<String> = ["region", "endpoint", "profile", "ca_file", "timeout_seconds"]

    func fail(_ line: Int, _ problem: String) -> ConfigError { ConfigError(file: file, line: line, problem: problem) }

    func table(_ entry: ConfigTable.Entry, tableName: String) throws(ConfigError) -> ConfigTable {
        guard case .table(let table) = entry.value else {
            throw fail(entry.line, "\(tableName) must be a table, not \(entry.value.typeName)")
        }
        return table
    }

    /// The entries of a table of tables such as `[targets]`, each checked to be a table.
    func tables(_ entry: ConfigTable.Entry?, tableName: String) throws(ConfigError) -> [ConfigTable.Entry] {
        guard let entry else { return [] }
        let container = try table(entry, tableName: tableName)
        for child in container.entries { _ = try table(child, tableName: "\(tableName.dropLast()).\(child.key)]") }
        return container.entries
    }

    func allowOnly(_ keys: Set<String>, in table: ConfigTable, tableName: String) throws(ConfigError) {
        if let unknown = table.entries.first(where: { !keys.contains($0.key) }) {
            throw fail(unknown.line, "unknown setting '\(unknown.key)' in \(tableName); expected one of: \(keys.sorted().joined(separator: ", "))")
        }
    }

    func string(_ entry: ConfigTable.Entry) throws(ConfigError) -> String {
        guard case .string(let text) = entry.value, !text.isEmpty else { throw fail(entry.line, "'\(entry.key)' must be a non-empty string") }
        return text
    }

    func integer(_ entry: ConfigTable.Entry, in range: ClosedRange<Int64>) throws(ConfigError) -> Int64 {
        guard case .integer(let number) = entry.value, range.contains(number) else {
            throw fail(entry.line, "'\(entry.key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func strings(_ entry: ConfigTable.Entry) throws(ConfigError) -> [String] {
        guard case .array(let items) = entry.value else { throw fail(entry.line, "'\(entry.key)' must be an array of strings") }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item, !text.isEmpty else { throw fail(entry.line, "'\(entry.key)' must be an array of non-empty strings") }
            result.append(text)
        }
        return result
    }

    /// An array of key selectors, each a key name or `name@env` (`ci-admin@dev`).
    func keySelectors(_ entry: ConfigTable.Entry) throws(ConfigError) -> [String] {
        let selectors = try strings(entry)
        for selector in selectors {
            let parts = selector.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, KeyName(parts[0]) != nil, parts.count == 1 || EnvironmentName(parts[1]) != nil else {
                throw fail(entry.line, "'\(entry.key)' must list key names or name@env such as \"ci-admin@dev\"; '\(selector)' is neither")
            }
        }
        return selectors
    }

    /// Takes `readers` out of a table: the entry without it, and the principals it lists (each
    /// once, in order). Throws naming the line when it is not an array of principals.
    func readers(in entry: ConfigTable.Entry) throws(ConfigError) -> (ConfigTable.Entry, [Principal]) {
        guard case .table(var table) = entry.value, let list = table["readers"] else { return (entry, []) }
        var principals: [Principal] = []
        for text in try strings(list) {
            guard let principal = Principal(text) else {
                throw fail(list.line, "'readers' must list principals, and '\(text)' is not one: \(Principal.rule)")
            }
            if !principals.contains(principal) { principals.append(principal) }
        }
        table.entries.removeAll { $0.key == "readers" }
        var stripped = entry
        stripped.value = .table(table)
        return (stripped, principals)
    }

    func required(_ key: String, in table: ConfigTable, tableName: String) throws(ConfigError) -> ConfigTable.Entry {
        guard let entry = table[key] else { throw fail(table.line, "\(tableName) needs '\(key)'") }
        return entry
    }

    func timeSpan(_ entry: ConfigTable.Entry, allowZero: Bool = false) throws(ConfigError) -> TimeSpan {
        if allowZero, case .string(let text) = entry.value, ["0", "0m", "0h", "0d", "0s"].contains(text) { return TimeSpan(seconds: 0) }
        guard case .string(let text) = entry.value, let span = TimeSpan(text) else {
            throw fail(entry.line, "'\(entry.key)' must be a duration string such as \"90d\": \(TimeSpan.rule)")
        }
        return span
    }

    func policy(_ table: ConfigTable, base: RotationPolicy) throws(ConfigError) -> RotationPolicy {
        var policy = base
        if let maxAge = table["max_age"] { policy.maxAge = try timeSpan(maxAge) }
        if let warnWindow = table["warn_window"] { policy.warnWindow = try timeSpan(warnWindow) }
        return policy
    }

    func binding(_ table: ConfigTable) throws(ConfigError) -> RotationBinding {
        RotationBinding(
            issuer: try table["issuer"].map(string), targets: try table["targets"].map(strings),
            verifier: try table["verifier"].map(string), notifiers: try table["notifiers"].map(strings),
            grace: try table["grace"].map { entry throws(ConfigError) in TimeSpanSetting(seconds: try timeSpan(entry, allowZero: true).seconds) })
    }

    private func command(_ table: ConfigTable, tableName: String) throws(ConfigError) -> [String] {
        let entry = try required("command", in: table, tableName: tableName)
        let command = try strings(entry)
        guard !command.isEmpty else { throw fail(entry.line, "'command' must name a program: [\"/path/to/program\", \"arg\"]") }
        if command.contains(where: { $0.contains("{{secret}}") }) {
            throw fail(entry.line, "secrets never go in a command's arguments; exec adapters get them on stdin")
        }
        return command
    }

    /// An exec adapter's `env`: names of keyctl's environment variables its program also gets
    /// (never `KEYCTL_*`, which keyctl sets itself).
    private func passEnvironment(_ table: ConfigTable) throws(ConfigError) -> [String] {
        guard let entry = table["env"] else { return [] }
        let names = try strings(entry)
        if let bad = names.first(where: { !HookEnvironment.canPassThrough($0) }) {
            throw fail(entry.line, "'env' must list environment variable names such as \"GITHUB_TOKEN\", other than KEYCTL_*; '\(bad)' is not one")
        }
        return names
    }

    private func timeout(_ table: ConfigTable, default seconds: Int64) throws(ConfigError) -> Int64 {
        try table["timeout_seconds"].map { entry throws(ConfigError) in try integer(entry, in: 1...3600) } ?? seconds
    }

    private func kind(_ table: ConfigTable, _ tableName: String, allowed: [String]) throws(ConfigError) -> String {
        let entry = try required("type", in: table, tableName: tableName)
        let kind = try string(entry)
        guard allowed.contains(kind) else { throw fail(entry.line, "\(tableName) type must be one of: \(allowed.joined(separator: ", "))") }
        return kind
    }

    func issuer(_ entry: ConfigTable.Entry) throws(ConfigError) -> IssuerDefinition {
        let name = "[issuers.\(entry.key)]"
        let table = try table(entry, tableName: name)
        switch try kind(table, name, allowed: ["local", "exec", "aws-iam", "http"]) {
        case "local":
            try allowOnly(["type", "prefix"], in: table, tableName: name)
            return .local(prefix: try table["prefix"].map(string) ?? "sk_")
        case "aws-iam":
            try allowOnly(ConfigReader.awsConnectionKeys.union(["type", "user", "deactivate"]), in: table, tableName: name)
            let deactivation = try table["deactivate"].map { entry throws(ConfigError) in
                guard let value = IAMKeyDeactivation(rawValue: try string(entry)) else { throw fail(entry.line, "'deactivate' must be \"at-verify\" or \"at-delete\"") }
                return value
            }
            return .awsIAM(user: try string(required("user", in: table, tableName: name)), deactivation: deactivation ?? .atVerify, connection: try awsConnection(table))
        case "http":
            return .http(try restIssuer(table, tableName: name))
        default:
            try allowOnly(["type", "command", "timeout_seconds", "env"], in: table, tableName: name)
            return .exec(command: try command(table, tableName: name), timeoutSeconds: Double(try timeout(table, default: 30)), passEnvironment: try passEnvironment(table))
        }
    }

    func target(_ entry: ConfigTable.Entry) throws(ConfigError) -> TargetDefinition {
        let name = "[targets.\(entry.key)]"
        let table = try table(entry, tableName: name)
        switch try kind(table, name, allowed: ["env-file", "exec", "vault", "aws-secretsmanager"]) {
        case "vault":
            return .vault(try vault(table, tableName: name))
        case "aws-secretsmanager":
            try allowOnly(ConfigReader.awsConnectionKeys.union(["type", "secret_id", "json_field", "id_field"]), in: table, tableName: name)
            let (jsonField, idField) = (try table["json_field"].map(string), try table["id_field"].map(string))
            if let idEntry = table["id_field"], jsonField == nil || jsonField == idField {
                throw fail(idEntry.line, "'id_field' needs 'json_field', a different field of the same JSON secret")
            }
            return .awsSecretsManager(
                secretID: try string(required("secret_id", in: table, tableName: name)), jsonField: jsonField, idField: idField,
                connection: try awsConnection(table))
        case "env-file":
            try allowOnly(["type", "path", "variable"], in: table, tableName: name)
            let variable = try required("variable", in: table, tableName: name)
            let variableName = try string(variable)
            guard variableName.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "{" || $0 == "}" }) else {
                throw fail(variable.line, "'variable' must be an environment variable name such as CHECKOUT_API_KEY")
            }
            return .envFile(path: try string(required("path", in: table, tableName: name)), variable: variableName)
        default:
            try allowOnly(["type", "command", "timeout_seconds", "secret_via", "env"], in: table, tableName: name)
            var inEnvironment = false
            if let via = table["secret_via"] {
                switch try string(via) {
                case "stdin": inEnvironment = false
                case "env": inEnvironment = true
                default: throw fail(via.line, "'secret_via' must be \"stdin\" or \"env\" (never an argument)")
                }
            }
            return .exec(command: try command(table, tableName: name), timeoutSeconds: Double(try timeout(table, default: 60)), secretInEnvironment: inEnvironment, passEnvironment: try passEnvironment(table))
        }
    }

    func verifier(_ entry: ConfigTable.Entry) throws(ConfigError) -> VerifierDefinition {
        let name = "[verifiers.\(entry.key)]"
        let table = try table(entry, tableName: name)
        switch try kind(table, name, allowed: ["http", "exec"]) {
        case "http":
            try allowOnly(["type", "url", "method", "headers", "expect_status", "timeout_seconds", "ca_file"], in: table, tableName: name)
            let url = try endpoint(required("url", in: table, tableName: name))
            let headers = try table["headers"].map(strings) ?? ["Authorization: Bearer {{secret}}"]
            for header in headers where !header.contains(":") {
                throw fail(table["headers"]?.line ?? table.line, "header '\(header)' must be 'Name: value'")
            }
            return .http(
                url: url, method: try table["method"].map(method) ?? "GET", headers: headers,
                expectStatus: Int(try table["expect_status"].map { entry throws(ConfigError) in try integer(entry, in: 100...599) } ?? 200),
                timeoutSeconds: try timeout(table, default: 10), caFile: try caFile(table))
        default:
            try allowOnly(["type", "command", "timeout_seconds", "env"], in: table, tableName: name)
            return .exec(command: try command(table, tableName: name), timeoutSeconds: Double(try timeout(table, default: 30)), passEnvironment: try passEnvironment(table))
        }
    }

    func notifier(_ entry: ConfigTable.Entry) throws(ConfigError) -> NotifierDefinition {
        let name = "[notifiers.\(entry.key)]"
        let table = try table(entry, tableName: name)
        _ = try kind(table, name, allowed: ["webhook"])
        try allowOnly(["type", "url", "secret", "previous_secret"], in: table, tableName: name)
        let url = try endpoint(required("url", in: table, tableName: name))
        var secrets: [String] = []
        for key in ["secret", "previous_secret"] {
            guard let secretEntry = table[key] else { continue }
            let reference = try string(secretEntry)
            guard reference.hasPrefix("env:") || reference.hasPrefix("file:") else {
                throw fail(secretEntry.line, "'\(key)' must be a reference, env:VAR or file:PATH, never the secret itself")
            }
            secrets.append(reference)
        }
        guard !secrets.isEmpty else { throw fail(table.line, "\(name) needs 'secret' (env:VAR or file:PATH)") }
        return .webhook(url: url, secrets: secrets)
    }

    // MARK: Secret stores and providers

    /// An `env:VAR` or `file:PATH` reference; never the secret itself.
    func reference(_ entry: ConfigTable.Entry) throws(ConfigError) -> String {
        let reference = try string(entry)
        guard reference.hasPrefix("env:") || reference.hasPrefix("file:") else {
            throw fail(entry.line, "'\(entry.key)' must be a reference, env:VAR or file:PATH, never the secret itself")
        }
        return reference
    }

    /// A URL that may carry a secret: HTTPS, or plain HTTP to loopback. `{{placeholders}}` are allowed.
    func endpoint(_ entry: ConfigTable.Entry) throws(ConfigError) -> String {
        let url = try string(entry)
        let sample = url.replacingOccurrences(of: "{{", with: "x").replacingOccurrences(of: "}}", with: "x")
            .replacingOccurrences(of: "{", with: "x").replacingOccurrences(of: "}", with: "x")
        if let problem = EndpointRule.problem(with: sample) { throw fail(entry.line, problem) }
        return url
    }

    /// An HTTP method such as GET, upper-cased.
    func method(_ entry: ConfigTable.Entry) throws(ConfigError) -> String {
        let method = try string(entry)
        guard method.count <= 16, method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw fail(entry.line, "'method' must be an HTTP method such as GET or POST")
        }
        return method.uppercased()
    }

    /// An AWS region such as eu-west-1.
    func region(_ entry: ConfigTable.Entry) throws(ConfigError) -> String {
        let region = try string(entry)
        guard AWSConnection.isRegion(region) else { throw fail(entry.line, "'region' must be an AWS region such as eu-west-1, not '\(region)'") }
        return region
    }

    private func caFile(_ table: ConfigTable) throws(ConfigError) -> String? {
        try table["ca_file"].map(string)
    }

    func vault(_ table: ConfigTable, tableName: String) throws(ConfigError) -> VaultSettings {
        try allowOnly(["type", "address", "mount", "path", "field", "token", "namespace", "ca_file", "timeout_seconds"], in: table, tableName: tableName)
        return VaultSettings(
            address: try table["address"].map(endpoint), mount: try table["mount"].map(string) ?? "secret",
            path: try string(required("path", in: table, tableName: tableName)), field: try string(required("field", in: table, tableName: tableName)),
            token: try table["token"].map(reference) ?? "env:VAULT_TOKEN", namespace: try table["namespace"].map(string),
            caFile: try caFile(table), timeoutSeconds: try timeout(table, default: 10))
    }

    func awsConnection(_ table: ConfigTable) throws(ConfigError) -> AWSConnection {
        AWSConnection(
            region: try table["region"].map(region), endpoint: try table["endpoint"].map(endpoint), profile: try table["profile"].map(string),
            caFile: try caFile(table), timeoutSeconds: try timeout(table, default: 10))
    }

    func restIssuer(_ table: ConfigTable, tableName: String) throws(ConfigError) -> RESTIssuerSettings {
        try allowOnly(["type", "create", "delete", "secret_pointer", "id_pointer", "credential", "timeout_seconds", "ca_file", "attempts"], in: table, tableName: tableName)
        func pointer(_ entry: ConfigTable.Entry) throws(ConfigError) -> JSONPointer {
            guard case .string(let text) = entry.value, let pointer = JSONPointer(text) else {
                throw fail(entry.line, "'\(entry.key)' must be a JSON pointer such as \"/api_key/secret\"")
            }
            return pointer
        }
        let create = try request(required("create", in: table, tableName: tableName), tableName: "\(tableName.dropLast()).create]")
        let delete = try request(required("delete", in: table, tableName: tableName), tableName: "\(tableName.dropLast()).delete]")
        let idPointer = try table["id_pointer"].map(pointer)
        if delete.uses("id"), idPointer == nil {
            throw fail(table.line, "\(tableName) deletes by {{id}}, so it needs 'id_pointer' to find the id in create's answer")
        }
        return RESTIssuerSettings(
            create: create, delete: delete, secretPointer: try pointer(required("secret_pointer", in: table, tableName: tableName)),
            idPointer: idPointer, credential: try reference(required("credential", in: table, tableName: tableName)),
            timeoutSeconds: try timeout(table, default: 10), caFile: try caFile(table),
            attempts: try table["attempts"].map { entry throws(ConfigError) in Int(try integer(entry, in: 1...20)) })
    }

    /// `[issuers.NAME.create]` or `.delete`: method, url, headers, body.
    private func request(_ entry: ConfigTable.Entry, tableName: String) throws(ConfigError) -> RequestTemplate {
        let table = try self.table(entry, tableName: tableName)
        try allowOnly(["method", "url", "headers", "body"], in: table, tableName: tableName)
        let headers = try table["headers"].map(strings) ?? []
        for header in headers where !header.contains(":") {
            throw fail(table["headers"]?.line ?? table.line, "header '\(header)' must be 'Name: value'")
        }
        let template = RequestTemplate(
            method: try table["method"].map(method) ?? "POST", url: try endpoint(required("url", in: table, tableName: tableName)),
            headers: headers, body: try table["body"].map(string))
        if let bodyEntry = table["body"] {
            let sample: [String: RequestTemplate.Value] = [
                "name": .text("n"), "env": .text("e"), "scopes": .list(["s"]), "idempotency_key": .text("k"), "id": .text("i"),
                "fingerprint": .text("f"), "credential": .text("c"),
            ]
            guard let body = template.filledBody(sample), (try? JSONSerialization.jsonObject(with: Data(body))) != nil else {
                throw fail(bodyEntry.line, "'body' must be JSON once its {{placeholders}} are filled in (write them unquoted: \"scopes\": {{scopes}})")
            }
        }
        if template.body?.contains("{{credential}}") == true || template.url.contains("{{credential}}") {
            throw fail(table.line, "{{credential}} goes in a header only, never in the URL or the body")
        }
        return template
    }
}
