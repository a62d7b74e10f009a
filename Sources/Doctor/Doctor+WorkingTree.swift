import Adapters
import Exposure
import Foundation
import KeyStore

extension Doctor {
    static let gitignoreCheck = DoctorCheck.Definition(id: "gitignore-env", title: ".gitignore covers .env*")
    static let publicVariablesCheck = DoctorCheck.Definition(id: "public-variables", title: "no public (client-side) variable holds a secret key")
    static let treeLeaksCheck = DoctorCheck.Definition(id: "tree-leaks", title: "no registered key is in the working tree or its history")

    /// Names a `.env*` rule must cover.
    static let envFileProbes = [".env", ".env.local", ".env.production"]
    /// Env file names that are meant to be committed (no real values).
    static let envTemplates: Set<String> = [".env.example", ".env.sample", ".env.template", ".env.dist"]

    /// Not covered while an env file sits uncovered in the folder: fail; not covered, none there yet: warn.
    func gitignoreCoversEnvFiles() -> DoctorCheck {
        let check = Self.gitignoreCheck
        let root = subject.root
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), isFolder.boolValue else {
            return check.warn("not checked: \(root) is not a folder", fix: "keyctl doctor PROJECT_FOLDER")
        }
        let rules = GitignoreRules(folder: root)
        let uncovered = Self.envFileProbes.filter { !rules.ignores($0) }
        guard !uncovered.isEmpty else { return check.pass("\(root): \(Self.envFileProbes.joined(separator: ", ")) are ignored") }
        let present = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { $0.hasPrefix(".env") && !Self.envTemplates.contains($0) && !rules.ignores($0) }.sorted()
        let fix = "echo '.env*' >> \(root)/.gitignore (and '!.env.example' for a template)"
        if !present.isEmpty {
            return check.fail("\(listed(present)) in \(root) can be committed: no ignore rule covers it", fix: fix)
        }
        return check.warn("no rule in \(root)'s .gitignore covers \(listed(uncovered))", fix: fix)
    }

    /// Env files in the folder (and the env-file targets) whose public-looking variables
    /// (`NEXT_PUBLIC_*`, `VITE_*`, `REACT_APP_*`, `PUBLIC_*`, `EXPO_PUBLIC_*`, `*PUBLISHABLE*`,
    /// `*_PK_*`) hold an `sk_`/`rk_` key, a keyctl local-format key or a registered key's secret:
    /// those are bundled into client code. Fails naming file, line and variable, never the value.
    func publicVariables(_ slots: [EnvFileSlot]) async -> DoctorCheck {
        let check = Self.publicVariablesCheck
        let files = Set(EnvFileFinder.files(under: subject.root) + slots.map(\.path)).sorted()
        var findings: [String] = [], unreadable: [String] = []
        var read = 0
        for path in files {
            switch EnvFileContents.read(path) {
            case .missing: continue
            case .unreadable(let why): unreadable.append(why)
            case .bytes(let bytes):
                read += 1
                var line = 1
                for entry in DotenvFile(parsing: bytes).lines {
                    defer { line += entry.bytes.count { $0 == UInt8(ascii: "\n") } }
                    guard case .assignment(let assignment) = entry.content else { continue }
                    let name = String(decoding: assignment.name, as: UTF8.self)
                    guard Self.isPublicName(name), !assignment.value.isEmpty else { continue }
                    if let kind = await secretKind(assignment.value) { findings.append("\(path):\(line) \(name) holds \(kind)") }
                }
            }
        }
        if !findings.isEmpty {
            return check.fail(
                "\(counted(findings.count, "public variable")) with a secret key, which ships to browsers and apps: \(listed(findings, limit: 3))",
                fix: "rename the variable without the public prefix and read it server-side only, then rotate the key: it may have shipped already")
        }
        if let first = unreadable.first {
            return check.warn("\(counted(unreadable.count, "env file")) not read: \(first)", fix: "make the env files readable by the user running keyctl")
        }
        return check.pass("\(counted(read, "env file")) read; no public variable holds a secret key")
    }

    /// Whether `name` is a variable that front-end build tools expose to client code.
    static func isPublicName(_ name: String) -> Bool {
        let upper = name.uppercased()
        let parts = upper.split(separator: "_")
        return ["NEXT_PUBLIC_", "VITE_", "REACT_APP_", "PUBLIC_", "EXPO_PUBLIC_"].contains { upper.hasPrefix($0) }
            || upper.contains("PUBLISHABLE") || parts.contains("PUBLIC") || parts.contains("PK")
    }

    /// What kind of secret key `value` is, or nil: by shape, else by registered fingerprint.
    private func secretKind(_ value: [UInt8]) async -> String? {
        if let kind = detectors.credential(in: String(decoding: value, as: UTF8.self)) { return kind }
        guard let registry, let secret = try? Secret(bytes: value), let found = try? await registry.identify(secret.fingerprint) else { return nil }
        return "the secret of \(found.key.slot)"
    }

    /// Through `TreeLeakScanner`: a live version of a registered key fails; a revoked version or an
    /// unknown key-shaped string warns; no scanner warns "not checked".
    func treeLeaks() async -> DoctorCheck {
        let check = Self.treeLeaksCheck
        let scope = subject.includeHistory ? "the working tree and git history of \(subject.root)" : "the working tree of \(subject.root)"
        guard let scanner = subject.scanner else {
            return check.warn("not checked: this keyctl has no scanner for \(scope)", fix: "run a secret scanner (gitleaks, trufflehog) and keyctl identify --findings REPORT")
        }
        let matches: [LeakMatch]
        do {
            matches = try await scanner.scan(root: subject.root, history: subject.includeHistory)
        } catch {
            return check.warn("not checked: \(error)", fix: "keyctl scan \(subject.root)\(subject.includeHistory ? " --git" : "")")
        }
        let describe = { (match: LeakMatch) -> String in
            switch match.verdict {
            case .registered(let found): "\(found.key.slot) (\(found.version.stage.rawValue)) at \(match.finding.location.description)"
            case .unknown: "\(match.finding.rule) at \(match.finding.location.description)"
            }
        }
        let critical = matches.filter { $0.verdict.severity == .critical }
        if case .registered(let found)? = critical.first?.verdict {
            return check.fail(
                "\(counted(critical.count, "live key")) found in \(scope): \(listed(critical.map(describe), limit: 3))",
                fix: "keyctl compromise \(found.key.name) --env \(found.key.env) --reason \"found in the repository\" --rotate")
        }
        if let first = matches.first {
            let revoked = matches.count { $0.verdict.severity == .revoked }
            return check.warn(
                "\(counted(revoked, "revoked key")) and \(counted(matches.count - revoked, "unknown key-shaped string")) in \(scope): \(listed(matches.map(describe), limit: 3))",
                fix: "remove them (and from history: git filter-repo), or check \(first.finding.location.description) with keyctl identify")
        }
        return check.pass("no key found in \(scope)")
    }
}
