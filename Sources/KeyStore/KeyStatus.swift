/// Where a key stands in its life.
public enum KeyStatus: String, Sendable, CaseIterable, Codable {
    /// In use and healthy.
    case active
    /// Its secret is known or suspected to be exposed; rotate it.
    case compromised
    /// No longer in use; kept for the record, left out of reports.
    case retired
}
