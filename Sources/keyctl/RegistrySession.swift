import KeyStore

/// The registry one command line opened: shared by the command and the audit checkpoint hook, so
/// that a run connects once, and closed when the run ends.
actor RegistrySession {
    private var opened: (location: String, store: any RegistryStore)?

    /// The store at `location`, opened with `open` the first time it is asked for.
    func store(at location: String, open: () async throws -> any RegistryStore) async throws -> any RegistryStore {
        if let opened, opened.location == location { return opened.store }
        let store = try await open()
        await opened?.store.close()
        opened = (location, store)
        return store
    }

    /// Closes the store this run opened, if any.
    func close() async {
        await opened?.store.close()
        opened = nil
    }
}
