/// A dotenv file keyctl cannot read or write a variable in. Never includes a value.
public struct DotenvError: Error, CustomStringConvertible, Sendable, Equatable {
    enum Problem: Sendable, Equatable {
        /// The line (1-based) assigns the variable in a form that cannot be read.
        case unreadable(name: String, line: Int)
        /// The line (1-based) leaves a quote open that the line written for the variable would close.
        case openQuote(name: String, line: Int)
        /// The value cannot be written in a dotenv file; why.
        case unrepresentable(String)
    }

    let problem: Problem

    init(_ problem: Problem) { self.problem = problem }

    public var description: String {
        switch problem {
        case .unreadable(let name, let line):
            "line \(line) assigns \(name) in a form keyctl cannot read (a quote that is never closed, or text after the closing quote): fix that line"
        case .openQuote(let name, let line):
            "line \(line) opens a quote it never closes, and the line written for \(name) would be read as part of it: fix line \(line)"
        case .unrepresentable(let reason):
            "the value cannot be written in a dotenv file: \(reason)"
        }
    }
}
