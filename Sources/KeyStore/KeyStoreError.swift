/// A registry operation that could not be carried out, with a message that says what to do.
///
/// The `category` decides the exit code the CLI returns; the message is one line, safe to print,
/// and never contains a secret.
public struct KeyStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Category: Sendable, Equatable {
        /// The named key, version or event does not exist.
        case notFound
        /// The change conflicts with what the registry holds (a duplicate key or secret).
        case conflict
        /// The input data (an import file, a config file, a secret) is malformed.
        case invalidInput
        /// Another process holds the registry; try again.
        case busy
        /// The registry's server cannot be reached, or the connection to it dropped mid-command
        /// (nothing half-written: the transaction in flight rolled back).
        case unavailable
        /// There is no registry at the location.
        case registryMissing
        /// The registry file cannot be read as a keyctl registry.
        case registryUnreadable
        /// The registry's schema is newer or older than this binary can use.
        case schemaMismatch
        /// Another run rotated the key after this batch chose it; the batch leaves it alone.
        case superseded
        /// Anything else that failed.
        case failed
    }

    public let category: Category
    public let message: String

    public init(_ category: Category, _ message: String) {
        self.category = category
        self.message = message
    }

    public var description: String { message }
}

extension KeyStoreError {
    public static func keyNotFound(_ name: KeyName, _ env: EnvironmentName) -> Self {
        .init(.notFound, "no key '\(name)' in environment '\(env)'; see `keyctl list --env \(env)`")
    }

    public static func keyExists(_ name: KeyName, _ env: EnvironmentName) -> Self {
        .init(.conflict, "key '\(name)' already exists in environment '\(env)'; use `keyctl update` to change it")
    }

    public static func secretAlreadyRegistered(owner name: String, env: String) -> Self {
        .init(.conflict, "this secret is already registered as key '\(name)' in environment '\(env)'")
    }
}
