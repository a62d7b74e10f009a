import Foundation

/// The variables of this process's environment, read from `environ`: what commands read their
/// settings from and what hooks inherit their allowlisted variables from, so both see one value.
///
/// `ProcessInfo.processInfo.environment` builds the same dictionary, but first sets up all of
/// `ProcessInfo`, a good part of what `keyctl` spent before parsing its command line. A name set
/// twice keeps its first value, as `getenv` reads it.
public enum ProcessEnvironment {
    public static func variables() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(text[..<equals])
                if variables[name] == nil { variables[name] = String(text[text.index(after: equals)...]) }
            }
            entry += 1
        }
        return variables
    }
}
