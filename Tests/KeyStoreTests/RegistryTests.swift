import Foundation
import GRDB
import KeyStore
import SQLiteStore
import KeyctlTestSupport
import Testing

struct RegistryTests {
    let secretText = "sk_live_registrytest0123456789ABCDEFGH"

    @Test func createsTheFileOwnerOnlyInsideAnOwnerOnlyFolder() throws {
        let test = try makeTestRegistry()
        let file = try FileManager.default.attributesOfItem(atPath: test.path)
        let folder = try FileManager.default.attributesOfItem(atPath: (test.path as NSString).deletingLastPathComponent)
        #expect((file[.posixPermissions] as? Int) == 0o600)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
    }

    @Test func initIsIdempotent() throws {
        let test = try makeTestRegistry()
        let (_, again) = try SQLiteKeyRegistry.create(at: test.path, clock: test.clock)
        #expect(again == .upToDate)
    }

    @Test(arguments: StoreKind.allCases) func addedKeyKeepsItsFieldsAndOnlyTheSecretsFingerprint(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let secret = try Secret(reading: secretText)
        var draft = try draft("checkout", scopes: "orders:write,products:read", owner: "payments", created: "2026-06-01")
        draft.labels = ["team": "payments"]
        let added = try await test.registry.addKey(draft, secret: secret, actor: "alice")
        #expect(added.scopes.description == "orders:write,products:read")
        #expect(added.labels == ["team": "payments"])
        #expect(added.fingerprint == secret.fingerprint)
        #expect(added.hint == "****EFGH")
        #expect(Timestamp.format(added.createdAt) == "2026-06-01T00:00:00Z")

        let stored: Data
        if let database = test.postgres {
            let everyRow = try database.rows(
                "SELECT concat((SELECT string_agg(t::text, '') FROM keys t), (SELECT string_agg(t::text, '') FROM key_versions t), (SELECT string_agg(t::text, '') FROM audit_events t))")
            stored = Data(((everyRow.first?.first ?? nil) ?? "").utf8)
        } else {
            stored = try Data(contentsOf: URL(fileURLWithPath: test.path)) + ((try? Data(contentsOf: URL(fileURLWithPath: test.path + "-wal"))) ?? Data())
        }
        #expect(stored.range(of: Data(secretText.utf8)) == nil)
        #expect(stored.range(of: Data(secret.fingerprint.rawValue.utf8)) != nil)
    }

    @Test(arguments: StoreKind.allCases) func refusesASecondKeyWithTheSameNameOrTheSameSecretAndWritesNothing(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let secret = try Secret(reading: secretText)
        _ = try await test.registry.addKey(try draft("checkout"), secret: secret, actor: "alice")
        await #expect(throws: KeyStoreError.keyExistsSample) {
            _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "alice")
        }
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.addKey(try draft("other"), secret: secret, actor: "alice")
        }
        #expect(error?.category == .conflict)
        var names: [String] = []
        try await test.registry.forEachKey(matching: KeyFilter()) { names.append($0.name.rawValue) }
        #expect(names == ["checkout"])
        var events = 0
        try await test.registry.forEachAuditEvent(matching: AuditFilter()) { _ in events += 1 }
        #expect(events == 1)
    }

    @Test(arguments: StoreKind.allCases) func updateRetireAndCompromiseEachRecordAnEvent(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let name = KeyName("checkout")!, env = EnvironmentName("prod")!
        _ = try await test.registry.addKey(try draft("checkout"), secret: nil, actor: "alice")
        let updated = try await test.registry.updateKey(
            name: name, env: env, changes: KeyChanges(owner: "payments", setLabels: ["tier": "1"], maxAge: .days(30)), actor: "bob")
        #expect(updated.owner == "payments")
        #expect(updated.maxAge == .days(30))
        #expect(updated.labels == ["tier": "1"])
        let compromised = try await test.registry.markCompromised(name: name, env: env, reason: "pasted in chat", actor: "carol")
        #expect(compromised.status == .compromised)
        #expect(compromised.compromiseReason == "pasted in chat")
        let retired = try await test.registry.retireKey(name: name, env: env, actor: "dave")
        #expect(retired.status == .retired)

        let detail = try await test.registry.keyDetail(name: name, env: env, recentEvents: 10)
        #expect(detail.recentEvents.map(\.action) == ["key.retire", "key.compromise", "key.update", "key.add"])
        #expect(detail.recentEvents.map(\.actor) == ["dave", "carol", "bob", "alice"])
    }

    @Test(arguments: StoreKind.allCases) func unknownKeysAreNotFound(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.retireKey(name: KeyName("ghost")!, env: EnvironmentName("prod")!, actor: "alice")
        }
        #expect(error?.category == .notFound)
    }

    @Test(arguments: StoreKind.allCases) func identifiesAndCompromisesAKeyByItsLeakedSecret(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let secret = try Secret(reading: secretText)
        _ = try await test.registry.addKey(try draft("checkout"), secret: secret, actor: "alice")
        let found = try #require(try await test.registry.identify(secret.fingerprint))
        #expect(found.key.name.rawValue == "checkout")
        #expect(found.version.stage == .current)
        #expect(try await test.registry.identify(Secret(reading: "not-registered-secret").fingerprint) == nil)

        let marked = try await test.registry.markCompromised(fingerprint: secret.fingerprint, reason: "public repo", actor: "ir")
        #expect(marked.key.status == .compromised)
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.markCompromised(fingerprint: Secret(reading: "unknown-secret").fingerprint, reason: "x", actor: "ir")
        }
        #expect(error?.category == .notFound)
    }

    @Test(arguments: StoreKind.allCases) func importIsAllOrNothing(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        _ = try await test.registry.addKey(try draft("existing"), secret: nil, actor: "alice")
        let entries = [
            ImportEntry(draft: try draft("first"), location: "keys.csv:2"),
            ImportEntry(draft: try draft("existing"), location: "keys.csv:3"),
        ]
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.importKeys(entries, source: "keys.csv", actor: "alice")
        }
        #expect(error?.category == .conflict)
        #expect(error?.message.contains("keys.csv:3") == true)
        var names: [String] = []
        try await test.registry.forEachKey(matching: KeyFilter()) { names.append($0.name.rawValue) }
        #expect(names == ["existing"])

        let count = try await test.registry.importKeys(Array(entries.prefix(1)), source: "keys.csv", actor: "alice")
        #expect(count == 1)
    }

    @Test(arguments: StoreKind.allCases) func reportCandidatesInSQLAreExactlyTheKeysTheSwiftPolicyFlags(store: StoreKind) async throws {
        let test = try await makeTestRegistry(store)
        let policies = PolicyTable(overrides: [EnvironmentName("prod")!: RotationPolicy(maxAge: .days(30), warnWindow: .days(5))])
        var generator = SystemRandomNumberGenerator()
        var entries: [ImportEntry] = []
        for index in 0..<300 {
            let created = Timestamp.parse("2026-11-29")!.addingTimeInterval(-TimeInterval(Int.random(in: 0..<200 * 86_400, using: &generator)))
            var key = try draft("key-\(index)", env: ["prod", "dev", "staging"][index % 3])
            key.createdAt = created
            if index % 7 == 0 { key.maxAge = .days(Int64.random(in: 10...120, using: &generator)) }
            entries.append(ImportEntry(draft: key, location: "\(index)"))
        }
        _ = try await test.registry.importKeys(entries, source: "generated", actor: "test")
        _ = try await test.registry.markCompromised(name: KeyName("key-1")!, env: EnvironmentName("dev")!, reason: "test", actor: "test")
        _ = try await test.registry.retireKey(name: KeyName("key-3")!, env: EnvironmentName("prod")!, actor: "test")

        let asOf = test.clock.now()
        var candidates: Set<String> = []
        try await test.registry.forEachReportCandidate(env: nil, policies: policies, asOf: asOf, includeUnflagged: false) {
            candidates.insert($0.name.rawValue)
        }
        var flagged: Set<String> = []
        try await test.registry.forEachReportCandidate(env: nil, policies: policies, asOf: asOf, includeUnflagged: true) {
            if !KeyAssessment(key: $0, policies: policies, asOf: asOf).flags.isEmpty { flagged.insert($0.name.rawValue) }
        }
        #expect(!flagged.isEmpty)
        #expect(candidates == flagged)
        #expect(!candidates.contains("key-3"))
        #expect(candidates.contains("key-1"))
    }

    @Test func aMissingRegistryAsksForInit() throws {
        let folder = TemporaryFolder()
        #expect(throws: KeyStoreError(.registryMissing, "no registry at \(folder.file("none.db")); create it with `keyctl init`")) {
            _ = try SQLiteKeyRegistry.open(at: folder.file("none.db"))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("none.db")))
    }

    @Test func aFileThatIsNotSQLiteIsUnreadableAndLeftAsItWas() throws {
        let folder = TemporaryFolder()
        let path = folder.write("registry.db", String(repeating: "not a database ", count: 100))
        let error = #expect(throws: KeyStoreError.self) { _ = try SQLiteKeyRegistry.open(at: path) }
        #expect(error?.category == .registryUnreadable)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("not a database"))
    }

    @Test func aRegistryFromANewerKeyctlIsRefusedAndNotModified() throws {
        let test = try makeTestRegistry()
        let queue = try DatabaseQueue(path: test.path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_future')") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: test.path))
        for attempt in [{ _ = try SQLiteKeyRegistry.open(at: test.path) }, { _ = try SQLiteKeyRegistry.create(at: test.path) }] {
            let error = #expect(throws: KeyStoreError.self) { try attempt() }
            #expect(error?.category == .schemaMismatch)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: test.path)) == before)
    }

    @Test func aRegistryLockedByAnotherProcessIsBusyAndUnchanged() async throws {
        let test = try makeTestRegistry()
        let lock = try ExclusiveLockHolder(path: test.path)
        defer { lock.release() }
        let error = await #expect(throws: KeyStoreError.self) {
            _ = try await test.registry.addKey(try draft("blocked"), secret: nil, actor: "cron")
        }
        #expect(error?.category == .busy)
        lock.release()
        var names: [String] = []
        try await test.registry.forEachKey(matching: KeyFilter()) { names.append($0.name.rawValue) }
        #expect(names.isEmpty)
    }
}

extension KeyStoreError {
    /// Matches any `conflict` error by category through `==`'s message check in tests.
    static let keyExistsSample = KeyStoreError(
        .conflict, "key 'checkout' already exists in environment 'prod'; use `keyctl update` to change it")
}
