/// An issuer, deploy target, verifier or notifier as written in keyctl.toml, with `{name}` and
/// `{env}` placeholders still in its strings.
public enum IssuerDefinition: Sendable, Equatable {
    case local(prefix: String)
    case exec(command: [String], timeoutSeconds: Double)
}

public enum TargetDefinition: Sendable, Equatable {
    case envFile(path: String, variable: String)
    case exec(command: [String], timeoutSeconds: Double, secretInEnvironment: Bool)
}

public enum VerifierDefinition: Sendable, Equatable {
    case http(url: String, method: String, headers: [String], expectStatus: Int, timeoutSeconds: Int64)
    case exec(command: [String], timeoutSeconds: Double)
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
