/// One schema change shipped with keyctl: a numbered SQL file from `Migrations/`,
/// embedded into the binary at build time by the `EmbedMigrations` plugin.
struct Migration: Sendable {
    /// The file name without `.sql`, such as `0001_registry`; migrations apply in this order.
    let identifier: String
    let sql: String
}
