import Adapters

/// An issuer, deploy target, verifier or notifier as written in keyctl.toml, with `{name}` and
/// `{env}` placeholders still in its strings.
public enum IssuerDefinition: Sendable, Equatable {
    case local(prefix: String)
    /// `passEnvironment`: the `env` setting, names of keyctl's environment variables the program also gets.
    case exec(command: [String], timeoutSeconds: Double, passEnvironment: [String] = [])
    case awsIAM(user: String, deactivation: IAMKeyDeactivation, connection: AWSConnection)
    case http(RESTIssuerSettings)
}

public enum TargetDefinition: Sendable, Equatable {
    case envFile(path: String, variable: String)
    case exec(command: [String], timeoutSeconds: Double, secretInEnvironment: Bool, passEnvironment: [String] = [])
    case vault(VaultSettings)
    case awsSecretsManager(secretID: String, jsonField: String?, idField: String?, connection: AWSConnection)
}

/// A `type = "vault"` target: one field of a KV version 2 secret.
public struct VaultSettings: Sendable, Equatable {
    /// nil: `VAULT_ADDR`.
    public var address: String?
    public var mount: String
    public var path: String
    public var field: String
    /// `env:VAR` or `file:PATH`.
    public var token: String
    public var namespace: String?
    public var caFile: String?
    public var timeoutSeconds: Int64
}

/// How keyctl reaches an AWS service: region, endpoint override, credentials profile, TLS.
public struct AWSConnection: Sendable, Equatable {
    /// nil: `AWS_REGION`, else `AWS_DEFAULT_REGION`.
    public var region: String?
    public var endpoint: String?
    /// nil: the environment's keys, else `AWS_PROFILE`, else `default`.
    public var profile: String?
    public var caFile: String?
    public var timeoutSeconds: Int64

    /// Whether `name` has the shape of an AWS region: `eu-west-1`, `us-gov-east-1`.
    public static func isRegion(_ name: String) -> Bool {
        name.wholeMatch(of: /[a-z]{2}(-[a-z]+)+-[0-9]+/) != nil
    }
}

/// A `type = "http"` issuer: a provider's REST admin API.
public struct RESTIssuerSettings: Sendable, Equatable {
    public var create: RequestTemplate
    public var delete: RequestTemplate
    public var secretPointer: JSONPointer
    public var idPointer: JSONPointer?
    /// `env:VAR` or `file:PATH`: the admin credential that fills `{{credential}}`.
    public var credential: String
    public var timeoutSeconds: Int64
    public var caFile: String?
    /// Attempts per call; nil leaves retrying to keyctl's rotation policy (`KEYCTL_RETRIES`).
    public var attempts: Int?
}

public enum VerifierDefinition: Sendable, Equatable {
    case http(url: String, method: String, headers: [String], expectStatus: Int, timeoutSeconds: Int64, caFile: String?)
    case exec(command: [String], timeoutSeconds: Double, passEnvironment: [String] = [])
}

public enum NotifierDefinition: Sendable, Equatable {
    /// `secrets` are references (`env:VAR`, `file:PATH`): the current one, then one being retired.
    case webhook(url: String, secrets: [String])
}

/// Which adapters rotate one key, after layering `[rotation]`, `[environments.ENV]`,
/// `[keys.NAME]` and `[keys."NAME@ENV"]`.
public struct RotationBinding: Sendable, Equatable {
    public var issuer: String?
    public var targets: [String]?
    public var verifier: String?
    public var notifiers: [String]?
    public var grace: TimeSpanSetting?

    public init(issuer: String? = nil, targets: [String]? = nil, verifier: String? = nil, notifiers: [String]? = nil, grace: TimeSpanSetting? = nil) {
        self.issuer = issuer
        self.targets = targets
        self.verifier = verifier
        self.notifiers = notifiers
        self.grace = grace
    }

    /// `other`'s settings where it has them, else these.
    func overlaid(by other: RotationBinding) -> RotationBinding {
        RotationBinding(
            issuer: other.issuer ?? issuer, targets: other.targets ?? targets, verifier: other.verifier ?? verifier,
            notifiers: other.notifiers ?? notifiers, grace: other.grace ?? grace)
    }
}

/// A duration in seconds that may be zero (a grace period of `0m`).
public struct TimeSpanSetting: Sendable, Equatable {
    public var seconds: Int64
    public init(seconds: Int64) { self.seconds = seconds }
}
