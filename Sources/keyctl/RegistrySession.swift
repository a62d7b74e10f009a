import KeyStore

/// The registry one command line opened: shared by the command and the audit checkpoint hook, so
/// that a run connects once, and closed when the run ends.
actor RegistrySession {
    private var opened: (location: String, store: any RegistryStore)?
    /// Stores this run closed, kept until the session ends: `keyctl` exits right after its command,
    /// and freeing a SQLite store unregisters it from Foundation's notification center, which
    /// `keyctl list` would set up for nothing (a fortieth of its run).
    private var closed: [any RegistryStore] = []

    /// The store at `location`, opened with `open` the first time it is asked for.
    func store(at location: String, open: () async throws -> any RegistryStore) async throws -> any RegistryStore {
        if let opened, opened.location == location { return opened.store }
        let store = try await open()
        await close()
        opened = (location, store)
        return store
    }

    /// Closes the store this run opened, if any.
    func close() async {
        guard let store = opened?.store else { return }
        await store.close()
        closed.append(store)
        opened = nil
    }
}
