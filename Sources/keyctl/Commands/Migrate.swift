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
        let opener = RegistryOpener(context: context, busyTimeout: try global.busyTimeout)
        let names = (source: try opener.displayName(of: from), target: try opener.displayName(of: to))
        let source = try await opener.open(from)
        let (target, created) = try await openTarget(opener)
        let summary: RegistryTransferSummary
        do {
            summary = try await source.copyRegistry(to: target, names: names, actor: global.resolvedActor, clock: context.clock)
        } catch {
            await source.close()
            await target.close()
            if created && !RegistryLocation.isPostgres(to) { Self.remove(to) }
            throw error
        }
        await source.close()
        await target.close()
        let rows = summary.rows.map { "\($0.count) \($0.table.name)" }.joined(separator: ", ")
        context.standardOutput.line(
            "migrated \(names.source) to \(names.target): \(rows); audit chain verified (\(summary.copiedHead.events) events, head \(summary.copiedHead.hash)), continued by registry.migrate (event \(summary.head.events), head \(summary.head.hash))")
    }

    /// Opens the target, creating its registry when it holds none yet; `created` says which.
    private func openTarget(_ opener: RegistryOpener) async throws -> (any RegistryStore, created: Bool) {
        do {
            return (try await opener.open(to), false)
        } catch let error as KeyStoreError where error.category == .registryMissing {
            return (try await opener.create(to).store, true)
        }
    }

    /// Removes a target this run created, so that a failed migration leaves nothing behind.
    private static func remove(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] { try? FileManager.default.removeItem(atPath: file) }
    }

    private static func sameFile(_ first: String, _ second: String) -> Bool {
        if RegistryLocation.isPostgres(first) || RegistryLocation.isPostgres(second) { return first == second }
        let resolve = { (path: String) in URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }
        return resolve(first) == resolve(second)
    }
}
