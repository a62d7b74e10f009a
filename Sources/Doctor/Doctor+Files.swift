import Foundation
import KeyStore
import KeyctlConfig

extension Doctor {
    static let registryFileCheck = DoctorCheck.Definition(id: "registry-file", title: "the registry file is 0600 and yours")
    static let custodyKeyCheck = DoctorCheck.Definition(id: "custody-key-file", title: "the custody key file is 0600 and yours")
    static let envFilePermissionsCheck = DoctorCheck.Definition(id: "env-file-permissions", title: "env files holding keys are 0600 and yours")

    /// The registry and its WAL and shared-memory files: a symbolic link, another owner, or any
    /// group or other permission fails (`KeyFile.exposure`, the rule ssh applies to private keys).
    func registryFile() -> DoctorCheck {
        let check = Self.registryFileCheck
        let path = subject.registryPath
        if RegistryLocation.isPostgres(path) {
            if case .failure(let problem) = subject.registry {
                return check.fail("\(problem)", fix: "check the server and the URL (docs/postgresql.md), or run `keyctl init`")
            }
            return check.pass("the registry is on a PostgreSQL server (\(path)): no local file to check")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            if errno == ENOENT { return check.fail("no registry at \(path)", fix: "keyctl init (or point --db / KEYCTL_DB at the registry)") }
            return check.warn("cannot inspect \(path): \(reason)", fix: "check the permissions of the folders above \(path)")
        }
        for file in [path, path + "-wal", path + "-shm"] {
            if let problem = KeyFile.exposure(of: file) {
                return check.fail("\(file) \(problem)", fix: Self.privateFileFix(file, problem))
            }
        }
        if case .failure(let problem) = subject.registry {
            return check.fail("\(problem)", fix: "restore the registry from a backup, or run `keyctl init`")
        }
        return check.pass("\(path) is 0600 (or stricter) and owned by you")
    }

    /// With `KEYCTL_MASTER_KEY` there is no file. A missing file is created 0600 on first use.
    func custodyKeyFile() -> DoctorCheck {
        let check = Self.custodyKeyCheck
        if let key = subject.environment["KEYCTL_MASTER_KEY"], !key.isEmpty {
            return check.pass("the custody key comes from KEYCTL_MASTER_KEY, not a file")
        }
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        let path = RotationSetup(configuration: configuration, environment: subject.environment, clock: subject.clock).custodyKeyFile
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return check.pass("\(path) does not exist yet; the first rotation creates it 0600") }
            return check.warn("cannot inspect \(path): \(String(cString: strerror(errno)))", fix: "check the permissions of the folders above \(path)")
        }
        if let problem = KeyFile.exposure(of: path) {
            return check.fail("\(path) \(problem); rotations refuse to use it", fix: Self.privateFileFix(path, problem))
        }
        return check.pass("\(path) is 0600 (or stricter) and owned by you")
    }

    /// Env-file targets that exist: another owner, or group or other permissions fail. A symbolic
    /// link is not followed (its target may be anywhere): it warns.
    func envFilePermissions(_ slots: [EnvFileSlot]) -> DoctorCheck {
        let check = Self.envFilePermissionsCheck
        guard case .success = subject.registry else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard configuration != nil else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        var exposed: [String] = [], links: [String] = []
        var checked = 0
        var fix: String?
        for path in Set(slots.map(\.path)).sorted() {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            checked += 1
            if info.st_mode & S_IFMT == S_IFLNK {
                links.append(path)
            } else if let problem = KeyFile.exposure(of: path) {
                exposed.append("\(path) \(problem)")
                fix = fix ?? Self.privateFileFix(path, problem)
            }
        }
        if let fix {
            return check.fail("\(counted(exposed.count, "env file")) readable by others than you: \(listed(exposed, limit: 3))", fix: fix)
        }
        if let first = links.first {
            return check.warn(
                "\(counted(links.count, "env file")) reached through a symbolic link, whose target's mode was not checked: \(listed(links, limit: 3))",
                fix: "chmod 600 \"$(readlink -f \(first))\", or point the target at the file itself")
        }
        return check.pass(checked == 0 ? "no env-file target exists yet" : "\(counted(checked, "env file")), each 0600 (or stricter) and owned by you")
    }

    /// The command that fixes what `KeyFile.exposure` reported about `path`.
    static func privateFileFix(_ path: String, _ problem: String) -> String {
        if problem.contains("symbolic link") { return "replace the link \(path) with the file itself (mode 600)" }
        if problem.contains("owned") { return "chown $(id -un) \(path) && chmod 600 \(path)" }
        return "chmod 600 \(path)"
    }
}
