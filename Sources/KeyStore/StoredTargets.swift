import Foundation
import Synchronization

/// The target names a rotation stores as a JSON array (`["app-env","vault"]`), decoded.
///
/// A rotation's record is read back at each of its steps, and every rotation of a batch stores the
/// same list: decoding it with `JSONDecoder` each time was a tenth of what `rotate --overdue` spent
/// in the registry. Short lists are kept once decoded.
public enum StoredTargets {
    /// The names `json` holds, or nil when it is not a JSON array of strings.
    public static func decode(_ json: String) -> [String]? {
        if let known = decoded.withLock({ $0[json] }) { return known }
        guard let targets = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else { return nil }
        if json.utf8.count <= maximumKeptLength {
            decoded.withLock { kept in
                if kept.count >= maximumKept { kept.removeAll() }
                kept[json] = targets
            }
        }
        return targets
    }

    /// `targets` as the JSON array a rotation stores.
    public static func encode(_ targets: [String]) -> String {
        "[" + targets.map(JSONString.quoted).joined(separator: ",") + "]"
    }

    private static let decoded = Mutex<[String: [String]]>([:])
    private static let maximumKept = 64
    private static let maximumKeptLength = 1_024
}
