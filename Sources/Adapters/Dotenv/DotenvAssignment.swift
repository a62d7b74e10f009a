/// A line that assigns a variable, split into the parts that keyctl keeps and the value it
/// replaces: `lead` + `name` + `separator` + `writtenValue` + `trailing` are the line's bytes.
public struct DotenvAssignment: Sendable, Equatable {
    /// Indentation and an `export ` prefix, as written.
    public let lead: [UInt8]
    public let name: [UInt8]
    /// `=` and the blanks around it, as written.
    public let separator: [UInt8]
    public private(set) var quoting: DotenvQuoting
    /// The value as written, quotes and escapes included.
    public private(set) var writtenValue: [UInt8]
    /// Blanks and an inline `# comment` after the value, as written.
    public let trailing: [UInt8]
    /// The value a dotenv library reads.
    public private(set) var value: [UInt8]

    init(lead: [UInt8], name: [UInt8], separator: [UInt8], quoting: DotenvQuoting, writtenValue: [UInt8], trailing: [UInt8]) {
        self.lead = lead
        self.name = name
        self.separator = separator
        self.quoting = quoting
        self.writtenValue = writtenValue
        self.trailing = trailing
        value = quoting.value(of: writtenValue[...])
    }

    /// A new `NAME=value` line: unquoted when the value allows it, else double-quoted.
    init(name: [UInt8], value: [UInt8]) throws(DotenvError) {
        self.init(lead: [], name: name, separator: [DotenvSyntax.equals], quoting: .unquoted, writtenValue: [], trailing: [])
        try setValue(value)
    }

    public var bytes: [UInt8] { lead + name + separator + writtenValue + trailing }

    /// Replaces the value, keeping the quoting style when it can hold `value` (else double quotes)
    /// and every other byte of the line. Throws when `value` contains a NUL byte.
    mutating func setValue(_ value: [UInt8]) throws(DotenvError) {
        guard !value.contains(0) else { throw DotenvError(.unrepresentable("it contains a NUL byte, which a dotenv file cannot hold")) }
        let style = quoting.canHold(value) ? quoting : .double
        quoting = style
        writtenValue = style.written(value)
        self.value = value
    }
}
