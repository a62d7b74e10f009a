import KeyStore
import KeyctlTestSupport
import SQLiteStore
import Testing
@testable import keyctl

/// The registry a run opens is opened once, and once closed is never handed out again.
struct RegistrySessionTests {
    /// Counts the stores opened.
    actor Opener {
        private(set) var count = 0
        let path: String

        init(path: String) { self.path = path }

        func open() throws -> any RegistryStore {
            count += 1
            return try SQLiteKeyRegistry.open(at: path)
        }
    }

    @Test func aClosedStoreIsOpenedAgainRatherThanHandedOutClosed() async throws {
        let registry = try makeTestRegistry()
        let session = RegistrySession()
        let opener = Opener(path: registry.path)
        let first = try await session.store(at: registry.path, open: { try await opener.open() })
        let again = try await session.store(at: registry.path, open: { try await opener.open() })
        let sameStore = (first as AnyObject) === (again as AnyObject)
        #expect(sameStore)
        #expect(await opener.count == 1)

        await session.close()
        let reopened = try await session.store(at: registry.path, open: { try await opener.open() })
        let closedStoreHandedOut = (reopened as AnyObject) === (first as AnyObject)
        #expect(!closedStoreHandedOut)
        #expect(await opener.count == 2)
        // The store handed out after close works: it is a new connection, not the closed one.
        try await reopened.forEachKey(matching: KeyFilter()) { _ in }
        await session.close()
    }
}
