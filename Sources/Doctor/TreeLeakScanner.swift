import Exposure

/// Finds key-like strings under a folder and tells whose they are: the seam between
/// `keyctl doctor` and the `keyctl scan` engine.
///
/// `scan` looks at the files under `root` and, when `history` is true, at the lines ever added in
/// the history of the git repository there. Each match carries the registry's verdict and never
/// the secret in its description. Throws when the folder or the history cannot be read; the
/// doctor reports that as a warning, never a crash.
public protocol TreeLeakScanner: Sendable {
    func scan(root: String, history: Bool) async throws -> [LeakMatch]
}
