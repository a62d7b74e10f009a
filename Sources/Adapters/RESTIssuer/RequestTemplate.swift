import Foundation

/// One HTTP request described in keyctl.toml: method, URL, headers and JSON body, with
/// `{{placeholder}}`s filled in per call. In the URL a value is percent-encoded; in the body it is
/// written as a JSON value (`{{scopes}}` becomes `["orders:write"]`, `{{name}}` becomes `"checkout"`),
/// so a template cannot be broken by what it is filled with; headers get the raw text.
public struct RequestTemplate: Sendable, Equatable {
    public var method: String
    public var url: String
    public var headers: [String]
    public var body: String?

    public init(method: String, url: String, headers: [String], body: String?) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// A value to fill in: text, or a list of texts (scopes).
    public enum Value: Sendable {
        case text(String)
        case list([String])
    }

    public func uses(_ placeholder: String) -> Bool {
        ([url, body ?? ""] + headers).contains { $0.contains("{{\(placeholder)}}") }
    }

    public func filledURL(_ values: [String: Value]) -> String {
        fill(url, values) { value in
            switch value {
            case .text(let text): text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#"))) ?? text
            case .list(let items): items.joined(separator: ",").addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
            }
        }
    }

    public func filledHeaders(_ values: [String: Value]) -> [(String, String)] {
        headers.map { header in
            let colon = header.firstIndex(of: ":")!
            let value = fill(String(header[header.index(after: colon)...]), values) { value in
                switch value {
                case .text(let text): text
                case .list(let items): items.joined(separator: ",")
                }
            }
            return (String(header[..<colon]).trimmingCharacters(in: .whitespaces), value.trimmingCharacters(in: .whitespaces))
        }
    }

    /// The body with every placeholder as a JSON value; nil when the template has no body.
    public func filledBody(_ values: [String: Value]) -> [UInt8]? {
        body.map { template in
            Array(fill(template, values) { value in
                let json: Any = switch value {
                case .text(let text): text
                case .list(let items): items
                }
                return String(decoding: (try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed])) ?? Data("null".utf8), as: UTF8.self)
            }.utf8)
        }
    }

    /// One pass over the template, so that a filled-in value is never itself searched for placeholders.
    private func fill(_ template: String, _ values: [String: Value], encode: (Value) -> String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest.range(of: "}}", range: open.upperBound..<rest.endIndex) {
            out += rest[..<open.lowerBound]
            let name = String(rest[open.upperBound..<close.lowerBound])
            out += values[name].map(encode) ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
