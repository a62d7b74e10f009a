import Foundation
import KeyStore
import SQLiteStore

/// A real SQLite registry in its own temporary folder, with a manual clock.
public struct TestRegistry: Sendable {
    public let folder: TemporaryFolder
    public let registry: SQLiteKeyRegistry
    public let clock: ManualClock
    public var path: String { registry.path }
}

/// Creates a registry file in a fresh temporary folder; the clock starts at `now`.
public func makeTestRegistry(now: String = "2026-11-29T12:00:00Z") throws -> TestRegistry {
    let folder = TemporaryFolder()
    let clock = ManualClock(now)
    let (registry, _) = try SQLiteKeyRegistry.create(at: folder.file("registry/registry.db"), clock: clock, busyTimeout: 0.2)
    return TestRegistry(folder: folder, registry: registry, clock: clock)
}

/// A draft for tests: names and scopes given as text, checked here.
public func draft(
    _ name: String, env: String = "prod", scopes: String = "orders:write", owner: String? = nil,
    created: String? = nil, rotated: String? = nil, maxAge: String? = nil
) throws -> KeyDraft {
    KeyDraft(
        name: KeyName(name)!, env: EnvironmentName(env)!, scopes: try ScopeSet(parsing: scopes), owner: owner,
        createdAt: created.flatMap(Timestamp.parse), rotatedAt: rotated.flatMap(Timestamp.parse), maxAge: maxAge.flatMap(TimeSpan.init))
}
