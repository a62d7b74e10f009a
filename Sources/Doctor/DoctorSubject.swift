import KeyStore
import KeyctlConfig

/// What `keyctl doctor` examines: the registry, keyctl.toml, the files they name, and a project
/// folder. Anything that could not be opened is given with the reason instead, so that the checks
/// depending on it report that reason and every other check still runs.
public struct DoctorSubject: Sendable {
    /// The registry, or why it could not be opened (`no registry at ...; create it with keyctl init`).
    public var registry: Result<any DoctorRegistry, DoctorProblem>
    /// The registry file, as configured (`--db`, `KEYCTL_DB` or the default).
    public var registryPath: String
    /// The config file keyctl would read; nil when there is none (the defaults apply).
    public var configurationPath: String?
    /// The configuration, or why it could not be read (a `ConfigError` naming the line). The
    /// defaults when there is no file.
    public var configuration: Result<KeyctlConfiguration, DoctorProblem>
    /// keyctl's environment: `KEYCTL_MASTER_KEY`, the audit anchor's settings, `VAULT_ADDR`.
    public var environment: [String: String]
    /// The project folder whose working tree (and, with `includeHistory`, git history) is checked.
    public var root: String
    public var includeHistory: Bool
    /// The clock every date is compared with.
    public var clock: any WallClock
    /// The engine behind `keyctl scan`; nil when this keyctl has none (the check warns).
    public var scanner: (any TreeLeakScanner)?

    public init(
        registry: Result<any DoctorRegistry, DoctorProblem>, registryPath: String, configurationPath: String?,
        configuration: Result<KeyctlConfiguration, DoctorProblem>, environment: [String: String], root: String,
        includeHistory: Bool, clock: any WallClock, scanner: (any TreeLeakScanner)?
    ) {
        self.registry = registry
        self.registryPath = registryPath
        self.configurationPath = configurationPath
        self.configuration = configuration
        self.environment = environment
        self.root = root
        self.includeHistory = includeHistory
        self.clock = clock
        self.scanner = scanner
    }
}

/// What the doctor reads from the registry: keys, fingerprints, and the audit chain.
public typealias DoctorRegistry = KeyRegistry & AuditChainReader

/// Why something the doctor needed could not be opened or read, in one line.
public struct DoctorProblem: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
