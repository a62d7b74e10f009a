/// One schema change shipped with keyctl: a numbered SQL file from `Migrations/`,
/// embedded into the binary at build time by the `EmbedMigrations` plugin.
public struct Migration: Sendable {
    /// The file name without `.sql`, such as `0001_registry`; migrations apply in this order.
    public let identifier: String
    public let sql: String

    public init(identifier: String, sql: String) {
        self.identifier = identifier
        self.sql = sql
    }
}
