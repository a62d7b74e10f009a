/// When an `aws-iam` issuer makes the old access key inactive: `deactivate` in keyctl.toml.
public enum IAMKeyDeactivation: String, Sendable, Equatable, CaseIterable {
    /// Once the new key is verified: the old key fails from then on, and the grace period is only a
    /// window in which an abort makes it active again.
    case atVerify = "at-verify"
    /// Not before it is deleted: the old key keeps working through the grace period, then is deleted
    /// (while still active) after it.
    case atDelete = "at-delete"
}
