/// The result of one check: what was checked, how it came out, and what to do about it.
///
/// `detail` and `fix` are one line each and never hold a secret: they name keys, files, lines and
/// settings, never values.
public struct DoctorCheck: Sendable, Equatable {
    /// A stable identifier such as `wildcard-scope`, for scripts.
    public var id: String
    /// What the check asserts, such as "no key has the * scope unless keyctl.toml allows it".
    public var title: String
    public var outcome: DoctorOutcome
    /// What was found, in one line.
    public var detail: String
    /// A command to run or a setting to change, in one line; nil when the check passed.
    public var fix: String?

    public init(id: String, title: String, outcome: DoctorOutcome, detail: String, fix: String? = nil) {
        self.id = id
        self.title = title
        self.outcome = outcome
        self.detail = detail
        self.fix = outcome == .pass ? nil : fix
    }
}
