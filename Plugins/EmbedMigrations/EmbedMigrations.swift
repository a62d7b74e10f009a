import Foundation
import PackagePlugin

/// Embeds a store's numbered `*.sql` migrations into the target as Swift source, so an installed
/// `keyctl` binary carries its schema and never needs the source tree: `Migrations/postgres/`
/// for `PostgresStore`, the package's top-level `Migrations/` (SQLite) for any other target.
/// Outside `KeyStore`, the generated file imports `KeyStore` for its `Migration` type.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let migrationsFolder = context.package.directoryURL.appending(
            path: target.name == "PostgresStore" ? "Migrations/postgres" : "Migrations")
        let sqlFiles = try FileManager.default
            .contentsOfDirectory(at: migrationsFolder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(sqlFiles.count) migrations into \(target.name)",
                executable: try context.tool(named: "MigrationEmbedder").url,
                arguments: (target.name == "KeyStore" ? [] : ["--import", "KeyStore"]) + [output.path()]
                    + sqlFiles.map { $0.path() },
                inputFiles: sqlFiles,
                outputFiles: [output]
            )
        ]
    }
}
