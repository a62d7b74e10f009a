import Foundation
import KeyStore
import Rotation

/// A dotenv file the application reads: the line assigning `variable` is rewritten atomically
/// (temporary file in the same folder, fsync, rename), every other byte kept (see `DotenvFile`).
///
/// Rewrites are serialised by a `FileLock` beside the file, so that several rotations sharing one
/// file (threads of `rotate --overdue`, or other processes) never lose a write, and each is read
/// back before the step succeeds. A symbolic link is written through to its target. A new file is
/// created 0600; an existing file keeps its mode and owner.
public struct EnvFileTarget: DeployTarget {
    public let name: String
    public let path: String
    public let variable: String
    /// How long a rewrite waits for another writer's lock before failing (retryable).
    public let lockTimeout: Duration
    public var canReadBack: Bool { true }

    public init(name: String, path: String, variable: String, lockTimeout: Duration = .seconds(10)) {
        self.name = name
        self.path = path
        self.variable = variable
        self.lockTimeout = lockTimeout
    }

    private var adapter: String { "target \(name)" }

    public func snapshot() async throws -> Secret? { try readSecret() }

    public func currentSecret() async throws -> Secret? { try readSecret() }

    public func deploy(_ secret: Secret) async throws { try await write(secret) }

    /// Puts `previous` back, in the line's quoting style when it can hold it; removes the
    /// variable's line when `previous` is nil.
    public func restore(_ previous: Secret?) async throws { try await write(previous) }

    private func readSecret() throws -> Secret? {
        let location = try EnvFileLocation(path, adapter: adapter)
        return try value(in: location.contents())
    }

    /// The variable's value in `bytes`; nil when the file or the line is missing or the value empty.
    private func value(in bytes: [UInt8]?) throws(AdapterError) -> Secret? {
        guard let bytes else { return nil }
        let value: [UInt8]?
        do {
            value = try DotenvFile(parsing: bytes).value(of: variable)
        } catch {
            throw AdapterError(.needsOperator, adapter: adapter, "\(path): \(error)")
        }
        guard let value, !value.isEmpty else { return nil }
        // A value keyctl could not write back would make abort impossible: refuse it before deploy.
        guard !value.contains(0) else {
            throw AdapterError(.needsOperator, adapter: adapter, "\(path): the value of \(variable) contains a NUL byte, which keyctl cannot write back; fix the file first")
        }
        return try? Secret(bytes: value)
    }

    /// Sets the variable to `secret`, or removes its line when `secret` is nil, under the file's lock.
    private func write(_ secret: Secret?) async throws {
        let location = try EnvFileLocation(path, adapter: adapter)
        if secret == nil, try location.contents() == nil { return }
        try location.createFolder()
        do {
            try await FileLock.withLock(beside: location.resolved, timeout: lockTimeout) { try rewrite(location, secret) }
        } catch let error as FileLockError {
            let kind: AdapterError.Kind = error.kind == .timedOut ? .retryable : .needsOperator
            throw AdapterError(kind, adapter: adapter, error.description)
        }
    }

    /// Reads, changes, replaces and reads back the file; the caller holds its lock.
    private func rewrite(_ location: EnvFileLocation, _ secret: Secret?) throws {
        var file = DotenvFile(parsing: try location.contents() ?? [])
        do {
            if let secret { try file.setValue(secret.revealBytes(), of: variable) } else { try file.removeValue(of: variable) }
        } catch {
            throw AdapterError(.needsOperator, adapter: adapter, "cannot set \(variable) in \(path): \(error)")
        }
        try location.replace(with: file.serialized())
        let readBack = try value(in: location.contents())
        let matches = switch (secret, readBack) {
        case (nil, nil): true
        case (let written?, let read?): written.isEqual(to: read)
        default: false
        }
        guard matches else {
            throw AdapterError(.retryable, adapter: adapter, "\(path) does not hold the value of \(variable) just written: another program is changing the file")
        }
    }
}
