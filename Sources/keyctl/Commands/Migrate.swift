import ArgumentParser
import Foundation
import KeyStore

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Copy a whole registry (keys, rotations, access, audit chain) into an empty one, and verify it there.",
        discussion: """
            keyctl migrate --from ~/.local/share/keyctl/registry.db --to /srv/keyctl/registry.db
            Every row is copied in one transaction of the target, which must be empty (a new file is \
            created); the target's audit chain is checked against the source's head before it commits, \
            then continued by a registry.migrate event. Both registries must be at this keyctl's schema \
            (run `keyctl init` on an older one). Exit 1 when the target is not empty, a schema differs \
            or the chain does not verify: nothing is written then.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("The registry to copy (it is only read).", valueName: "location")) var from: String
    @Option(help: ArgumentHelp("The empty registry to copy into (created when missing).", valueName: "location")) var to: String

    func validate() throws {
        if global.db != nil { throw ValidationError("migrate takes --from and --to, not --db") }
        if from.isEmpty || to.isEmpty { throw ValidationError("--from and --to must not be empty") }
        if Self.sameFile(from, to) { throw ValidationError("--from and --to name the same registry") }
    }

    func run() async throws {
        let context = CommandContext.current
        let busyTimeout = try global.busyTimeout
        let source = try SQLiteKeyRegistry.open(at: try Self.sqlitePath(from), clock: context.clock, busyTimeout: busyTimeout)
        let (target, created) = try Self.openTarget(try Self.sqlitePath(to), clock: context.clock, busyTimeout: busyTimeout)
        let summary: RegistryTransferSummary
        do {
            summary = try await source.copyRegistry(to: target, names: (from, to), actor: global.resolvedActor, clock: context.clock)
        } catch {
            if created { Self.remove(to) }
            throw error
        }
        let rows = summary.rows.map { "\($0.count) \($0.table.name)" }.joined(separator: ", ")
        context.standardOutput.line(
            "migrated \(from) to \(to): \(rows); audit chain verified (\(summary.copiedHead.events) events, head \(summary.copiedHead.hash)), continued by registry.migrate (event \(summary.head.events), head \(summary.head.hash))")
    }

    /// The SQLite file a location names; a PostgreSQL URL is refused until that store exists.
    private static func sqlitePath(_ location: String) throws -> String {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            throw CommandFailure(.failed, "PostgreSQL registries are not supported by this keyctl yet; give SQLite file paths to --from and --to")
        }
        return location
    }

    /// Opens the target, creating it when nothing is there yet; `created` says which.
    private static func openTarget(
        _ path: String, clock: any WallClock, busyTimeout: TimeInterval
    ) throws -> (SQLiteKeyRegistry, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            return (try SQLiteKeyRegistry.open(at: path, clock: clock, busyTimeout: busyTimeout), false)
        }
        return (try SQLiteKeyRegistry.create(at: path, clock: clock, busyTimeout: busyTimeout).0, true)
    }

    /// Removes a target this run created, so that a failed migration leaves nothing behind.
    private static func remove(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
    }

    private static func sameFile(_ first: String, _ second: String) -> Bool {
        let resolve = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolve(first) == resolve(second)
    }
}
