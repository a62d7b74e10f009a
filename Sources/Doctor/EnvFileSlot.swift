import Adapters
import Foundation
import KeyStore

/// One env-file target of one key, as keyctl.toml binds it: the file and the variable (with
/// `{name}` and `{env}` filled in) that should hold that key's secret.
struct EnvFileSlot: Sendable {
    var key: KeyRecord
    var target: String
    var path: String
    var variable: String

    /// What the file holds for the variable.
    enum Reading {
        /// No such file (not deployed yet).
        case missing
        /// The file has no line for the variable, or an empty value.
        case unset
        case value(Secret)
        /// Why it could not be read.
        case unreadable(String)
    }

    /// Reads the variable as the application would (a symbolic link is followed, as the target
    /// adapter does). Anything but a regular file up to `EnvFileContents.sizeLimit` is unreadable.
    func read() -> Reading {
        switch EnvFileContents.read(path) {
        case .missing: return .missing
        case .unreadable(let why): return .unreadable(why)
        case .bytes(let bytes):
            do {
                guard let value = try DotenvFile(parsing: bytes).value(of: variable), !value.isEmpty else { return .unset }
                return (try? Secret(bytes: value)).map(Reading.value) ?? .unset
            } catch {
                return .unreadable("\(path): \(error)")
            }
        }
    }
}

/// Reads an env file's bytes without blocking on a FIFO or a device and without reading more than
/// an env file should hold.
enum EnvFileContents {
    /// The largest env file read: 1 MiB, as the env-file target.
    static let sizeLimit = 1 << 20

    enum Result {
        case missing
        case bytes([UInt8])
        case unreadable(String)
    }

    static func read(_ path: String) -> Result {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? .missing : .unreadable("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else { return .unreadable("\(path) is not a regular file") }
        guard Int(info.st_size) <= sizeLimit else { return .unreadable("\(path) is larger than 1 MiB, more than an env file should be") }
        guard let handle = FileHandle(forReadingAtPath: path), let data = try? handle.read(upToCount: sizeLimit + 1) else {
            return .unreadable("cannot read \(path): check its permissions")
        }
        try? handle.close()
        return .bytes(Array(data))
    }
}

extension Doctor {
    /// The env-file targets keyctl.toml binds to `keys`; none when either is unavailable.
    func envFileSlots(_ keys: Result<[KeyRecord], DoctorProblem>) -> [EnvFileSlot] {
        guard case .success(let keys) = keys, let configuration else { return [] }
        var slots: [EnvFileSlot] = []
        for key in keys {
            for target in configuration.binding(for: key.name, in: key.env).targets ?? [] {
                guard case .envFile(let path, let variable)? = configuration.targets[target] else { continue }
                let expand = { (text: String) in
                    text.replacingOccurrences(of: "{name}", with: key.name.rawValue).replacingOccurrences(of: "{env}", with: key.env.rawValue)
                }
                slots.append(EnvFileSlot(key: key, target: target, path: expand(path), variable: expand(variable)))
            }
        }
        return slots
    }
}
