import Foundation
import KeyStore

/// Writes import entries back as an import file, CSV or JSON, in the form `ImportFile.parse`
/// reads: every field, with `created`/`rotated` as RFC 3339. Reading what it writes must give the
/// same drafts, which is what the import fuzz target and property tests check.
public enum ImportFileWriter {
    /// A CSV file with a header row and every field quoted (`"` doubled), LF line ends.
    public static func csv(_ drafts: [KeyDraft]) -> Data {
        var lines = ["name,env,scopes,owner,description,created,rotated,max-age"]
        for draft in drafts {
            lines.append(fields(draft).map { "\"" + ($0 ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ","))
        }
        return Data(lines.joined(separator: "\n").utf8)
    }

    /// A JSON array of objects; absent fields are left out and `scopes` is an array.
    public static func json(_ drafts: [KeyDraft]) -> Data {
        let names = ["name", "env", "scopes", "owner", "description", "created", "rotated", "max-age"]
        let objects: [[String: Any]] = drafts.map { draft in
            var object: [String: Any] = [:]
            for (name, value) in zip(names, fields(draft)) { object[name] = value }
            object["scopes"] = draft.scopes.scopes.map(\.rawValue)
            return object
        }
        // Sorted keys, so that one draft list always gives the same bytes.
        return (try? JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])) ?? Data("[]".utf8)
    }

    private static func fields(_ draft: KeyDraft) -> [String?] {
        [
            draft.name.rawValue, draft.env.rawValue, draft.scopes.description, draft.owner, draft.description,
            draft.createdAt.map(Timestamp.format), draft.rotatedAt.map(Timestamp.format), draft.maxAge?.description,
        ]
    }
}
