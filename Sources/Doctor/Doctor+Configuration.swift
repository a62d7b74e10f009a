import Foundation
import KeyStore
import KeyctlConfig

extension Doctor {
    static let configurationCheck = DoctorCheck.Definition(id: "config", title: "keyctl.toml loads")
    static let configurationPermissionsCheck = DoctorCheck.Definition(id: "config-permissions", title: "keyctl.toml is not readable by group or others")
    static let inlineSecretsCheck = DoctorCheck.Definition(id: "config-inline-secrets", title: "keyctl.toml holds no secret")
    static let endpointsCheck = DoctorCheck.Definition(id: "endpoints-https", title: "webhook, verifier and provider endpoints use HTTPS")

    func configurationLoads() -> DoctorCheck {
        let check = Self.configurationCheck
        switch subject.configuration {
        case .failure(let problem):
            return check.fail("\(problem)", fix: "fix keyctl.toml at that line (docs/configuration.md)")
        case .success:
            guard let path = subject.configurationPath else { return check.pass("no keyctl.toml: the defaults apply") }
            return check.pass("\(path) loads")
        }
    }

    /// Others may read or write it: fail. Its group may, it is not the user's, or it is a symbolic
    /// link: warn (it holds no secret, but it decides where secrets go).
    func configurationPermissions() -> DoctorCheck {
        let check = Self.configurationPermissionsCheck
        guard let path = subject.configurationPath else { return check.pass("no keyctl.toml") }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            return check.warn("cannot inspect \(path): \(String(cString: strerror(errno)))", fix: "check that \(path) exists and its folder is readable")
        }
        if info.st_mode & S_IFMT == S_IFLNK {
            return check.warn("\(path) is a symbolic link; its target's mode was not checked", fix: "put the file itself at \(path), mode 600")
        }
        let mode = info.st_mode & 0o777
        if mode & 0o007 != 0 {
            return check.fail("\(path) is open to others (mode \(String(mode, radix: 8)))", fix: "chmod 600 \(path)")
        }
        if mode & 0o070 != 0 {
            return check.warn("\(path) is open to its group (mode \(String(mode, radix: 8)))", fix: "chmod 600 \(path)")
        }
        if info.st_uid != geteuid() {
            return check.warn("\(path) is not owned by the user keyctl runs as", fix: "chown $(id -un) \(path)")
        }
        return check.pass("\(path) is mode \(String(mode, radix: 8)), owned by you")
    }

    /// Every string value of the file (read as TOML, whatever keyctl makes of it) is checked for a
    /// known credential format, a keyctl local-format key, or the fingerprint of a registered key.
    /// Findings name the line and setting, never the value.
    func configurationInlineSecrets() async -> DoctorCheck {
        let check = Self.inlineSecretsCheck
        guard let path = subject.configurationPath else { return check.pass("no keyctl.toml") }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
            return check.warn("not checked: cannot read \(path)", fix: "make \(path) readable by the user running keyctl")
        }
        let root: ConfigTable
        do {
            root = try TOMLParser(file: path).parse(String(decoding: data, as: UTF8.self))
        } catch {
            return check.notChecked(DoctorProblem("\(error)"), fix: Self.fixConfiguration)
        }
        var findings: [String] = []
        for (setting, line, value) in Self.strings(in: root, path: "") {
            if let kind = await inlineSecret(in: value) {
                findings.append("\(path):\(line) \(setting) holds \(kind)")
            }
        }
        guard !findings.isEmpty else { return check.pass("no string in \(path) looks like a secret or matches a registered key") }
        return check.fail(
            "\(counted(findings.count, "setting")) with a secret in it: \(listed(findings, limit: 3))",
            fix: "move the secret out (env:VAR or file:PATH where a setting takes a reference, else the adapter's environment), then rotate it: it was on disk in plain text")
    }

    /// What kind of secret `value` holds, or nil.
    private func inlineSecret(in value: String) async -> String? {
        guard !value.hasPrefix("env:"), !value.hasPrefix("file:") else { return nil }
        if let kind = detectors.credential(in: value) { return kind }
        for candidate in SecretCandidates.pieces(in: value) {
            if let registry, let found = try? await registry.identify(Secret(reading: candidate).fingerprint) {
                return "the secret of \(found.key.slot)"
            }
        }
        return nil
    }

    /// Every string in `table`, with the dotted setting that holds it and its line.
    static func strings(in table: ConfigTable, path: String) -> [(setting: String, line: Int, value: String)] {
        var found: [(String, Int, String)] = []
        func visit(_ value: ConfigValue, setting: String, line: Int) {
            switch value {
            case .string(let text): found.append((setting, line, text))
            case .array(let items): for item in items { visit(item, setting: setting, line: line) }
            case .table(let child): found += strings(in: child, path: setting)
            case .integer, .boolean, .other: break
            }
        }
        for entry in table.entries {
            visit(entry.value, setting: path.isEmpty ? entry.key : "\(path).\(entry.key)", line: entry.line)
        }
        return found
    }

    /// Every URL keyctl sends a secret or a signed event to must pass `EndpointRule`: HTTPS, or
    /// plain HTTP to loopback. keyctl.toml is checked when loaded; this also covers `VAULT_ADDR`
    /// and URLs once `{name}` and `{env}` are filled in with odd values.
    func endpoints() -> DoctorCheck {
        let check = Self.endpointsCheck
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        var urls: [(table: String, url: String)] = []
        for (name, verifier) in configuration.verifiers {
            if case .http(let url, _, _, _, _, _) = verifier { urls.append(("[verifiers.\(name)]", url)) }
        }
        for (name, notifier) in configuration.notifiers {
            if case .webhook(let url, _) = notifier { urls.append(("[notifiers.\(name)]", url)) }
        }
        for (name, issuer) in configuration.issuers {
            switch issuer {
            case .http(let settings): urls += [("[issuers.\(name)]", settings.create.url), ("[issuers.\(name)]", settings.delete.url)]
            case .awsIAM(_, _, let connection): if let endpoint = connection.endpoint { urls.append(("[issuers.\(name)]", endpoint)) }
            case .local, .exec: break
            }
        }
        for (name, target) in configuration.targets {
            switch target {
            case .vault(let settings):
                if let address = settings.address ?? subject.environment["VAULT_ADDR"].flatMap({ $0.isEmpty ? nil : $0 }) {
                    urls.append(("[targets.\(name)]", address))
                }
            case .awsSecretsManager(_, _, _, let connection): if let endpoint = connection.endpoint { urls.append(("[targets.\(name)]", endpoint)) }
            case .envFile, .exec: break
            }
        }
        var problems: [String] = []
        for (table, url) in urls.sorted(by: { ($0.table, $0.url) < ($1.table, $1.url) }) {
            let sample = url.replacingOccurrences(of: "{{", with: "x").replacingOccurrences(of: "}}", with: "x")
                .replacingOccurrences(of: "{", with: "x").replacingOccurrences(of: "}", with: "x")
            if let problem = EndpointRule.problem(with: sample) { problems.append("\(table) (line \(configuration.line(of: table))): \(problem)") }
        }
        guard let first = problems.first else { return check.pass("\(counted(urls.count, "endpoint")), each HTTPS or loopback") }
        return check.fail("\(counted(problems.count, "endpoint")) not HTTPS: \(listed(problems, limit: 3))", fix: "use an https:// URL in \(first.prefix { $0 != " " })")
    }
}
