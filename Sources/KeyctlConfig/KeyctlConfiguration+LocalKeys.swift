extension KeyctlConfiguration {
    /// The prefixes of the keys that keyctl.toml's `local` issuers mint, for recognising them in
    /// text (`keyctl scan`, `keyctl doctor`).
    public var localKeyPrefixes: [String] {
        issuers.values.compactMap { issuer in
            if case .local(let prefix) = issuer { prefix } else { nil }
        }
    }
}
