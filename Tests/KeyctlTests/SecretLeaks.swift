import Foundation

/// Where any of `secrets` shows up: in what keyctl printed, or in the registry file or its WAL.
func secretLeaks(of secrets: [String], printed: String, registry: String) -> [String] {
    var leaks: [String] = []
    for (index, secret) in secrets.enumerated() {
        if printed.contains(secret) { leaks.append("secret \(index) was printed") }
        for suffix in ["", "-wal"] {
            let bytes = FileManager.default.contents(atPath: registry + suffix) ?? Data()
            if bytes.range(of: Data(secret.utf8)) != nil { leaks.append("secret \(index) is in registry.db\(suffix)") }
        }
    }
    return leaks
}
