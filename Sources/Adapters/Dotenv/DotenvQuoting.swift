/// How a dotenv value is written.
///
/// - `unquoted`: `KEY=value`; the value ends at the end of the line or at a `#` preceded by a
///   blank (an inline comment); blanks around it are not part of it.
/// - `single`: `KEY='value'`; everything between the quotes is literal (no escapes).
/// - `double`: `KEY="value"`; `\n \r \t \" \\ \$ \` \'` are escapes, any other backslash is kept
///   as written (as shells and dotenv libraries read it).
///
/// Quoted values may span several lines, as dotenv libraries allow.
public enum DotenvQuoting: Sendable, Equatable {
    case unquoted
    case single
    case double

    /// Whether `value` can be written in this style so that it reads back exactly, in the style's
    /// canonical form: unquoted only for letters, digits and `_ - . : / + @ % , = ^` (or nothing);
    /// single quotes for anything but a quote or a line break; double quotes for anything.
    func canHold(_ value: [UInt8]) -> Bool {
        switch self {
        case .unquoted: value.allSatisfy(DotenvSyntax.isBare)
        case .single: !value.contains { $0 == DotenvSyntax.singleQuote || $0 == DotenvSyntax.lineFeed || $0 == DotenvSyntax.carriageReturn }
        case .double: true
        }
    }

    /// `value` in this style's canonical form, quotes included. Only for a value `canHold` accepts.
    func written(_ value: [UInt8]) -> [UInt8] {
        switch self {
        case .unquoted: return value
        case .single: return [DotenvSyntax.singleQuote] + value + [DotenvSyntax.singleQuote]
        case .double:
            var out = [DotenvSyntax.doubleQuote]
            for byte in value {
                switch byte {
                case DotenvSyntax.lineFeed: out += Array(#"\n"#.utf8)
                case DotenvSyntax.carriageReturn: out += Array(#"\r"#.utf8)
                case DotenvSyntax.backslash, DotenvSyntax.doubleQuote, UInt8(ascii: "$"), UInt8(ascii: "`"): out += [DotenvSyntax.backslash, byte]
                default: out.append(byte)
                }
            }
            out.append(DotenvSyntax.doubleQuote)
            return out
        }
    }

    /// The value that `raw` (the value as written, quotes included) stands for.
    func value(of raw: ArraySlice<UInt8>) -> [UInt8] {
        switch self {
        case .unquoted: return Array(raw)
        case .single: return Array(raw.dropFirst().dropLast())
        case .double:
            var out: [UInt8] = []
            var body = raw.dropFirst().dropLast().makeIterator()
            while let byte = body.next() {
                guard byte == DotenvSyntax.backslash, let escaped = body.next() else {
                    out.append(byte)
                    continue
                }
                switch escaped {
                case UInt8(ascii: "n"): out.append(DotenvSyntax.lineFeed)
                case UInt8(ascii: "r"): out.append(DotenvSyntax.carriageReturn)
                case UInt8(ascii: "t"): out.append(DotenvSyntax.tab)
                case DotenvSyntax.backslash, DotenvSyntax.doubleQuote, DotenvSyntax.singleQuote, UInt8(ascii: "$"), UInt8(ascii: "`"): out.append(escaped)
                default: out += [byte, escaped]
                }
            }
            return out
        }
    }
}
