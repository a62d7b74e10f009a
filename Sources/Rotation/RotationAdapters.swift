/// The adapters one rotation uses, built from keyctl.toml for its key.
public struct RotationAdapters: Sendable {
    public var issuer: any CredentialIssuer
    public var targets: [any DeployTarget]
    public var verifier: (any Verifier)?
    public var notifiers: [any Notifier]

    public init(issuer: any CredentialIssuer, targets: [any DeployTarget], verifier: (any Verifier)?, notifiers: [any Notifier] = []) {
        self.issuer = issuer
        self.targets = targets
        self.verifier = verifier
        self.notifiers = notifiers
    }
}
