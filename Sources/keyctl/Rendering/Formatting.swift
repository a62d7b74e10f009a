import Foundation
import KeyStore

/// Short human forms used in tables.
enum Formatting {
    static func days(_ seconds: Int64) -> String {
        seconds % 86_400 == 0 ? "\(seconds / 86_400)d" : TimeSpan(seconds: seconds).description
    }

    static func optional(_ text: String?) -> String {
        guard let text, !text.isEmpty else { return "-" }
        return text
    }
}
