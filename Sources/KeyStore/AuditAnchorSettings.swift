import Foundation

/// Where audit checkpoints go and which key signs and verifies them.
///
/// Read from the environment today; a `[audit]` table of keyctl.toml (`checkpoint_file`,
/// `signing_key_file`, `public_key_file`, `syslog`) is meant to fill the same fields.
public struct AuditAnchorSettings: Sendable, Equatable {
    /// The checkpoint file (`KEYCTL_AUDIT_CHECKPOINTS`); nil: no anchor, only the internal chain.
    public var checkpointFile: String?
    /// The signing key file (`KEYCTL_AUDIT_KEY_FILE`, default `$XDG_CONFIG_HOME/keyctl/audit-signing.key`),
    /// used when `KEYCTL_AUDIT_KEY` is not set.
    public var signingKeyFile: String
    /// A public key file to verify with (`KEYCTL_AUDIT_PUBLIC_KEY_FILE`), for a machine that does
    /// not hold the signing key.
    public var publicKeyFile: String?
    /// Also send each new checkpoint line to syslog (`KEYCTL_AUDIT_SYSLOG=1`), facility auth.
    public var syslog: Bool

    public init(checkpointFile: String?, signingKeyFile: String, publicKeyFile: String? = nil, syslog: Bool = false) {
        self.checkpointFile = checkpointFile
        self.signingKeyFile = signingKeyFile
        self.publicKeyFile = publicKeyFile
        self.syslog = syslog
    }

    /// The settings from `KEYCTL_AUDIT_CHECKPOINTS`, `KEYCTL_AUDIT_KEY_FILE`,
    /// `KEYCTL_AUDIT_PUBLIC_KEY_FILE` and `KEYCTL_AUDIT_SYSLOG` (empty values count as unset);
    /// `checkpointFile` and `publicKeyFile`, when given (command-line options), win.
    public init(environment: [String: String], checkpointFile: String? = nil, publicKeyFile: String? = nil) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let configHome = value("XDG_CONFIG_HOME") ?? ((value("HOME") ?? NSHomeDirectory()) as NSString).appendingPathComponent(".config")
        self.init(
            checkpointFile: checkpointFile ?? value("KEYCTL_AUDIT_CHECKPOINTS"),
            signingKeyFile: value("KEYCTL_AUDIT_KEY_FILE") ?? (configHome as NSString).appendingPathComponent("keyctl/audit-signing.key"),
            publicKeyFile: publicKeyFile ?? value("KEYCTL_AUDIT_PUBLIC_KEY_FILE"),
            syslog: ["1", "true", "yes"].contains(value("KEYCTL_AUDIT_SYSLOG")?.lowercased() ?? ""))
    }
}
