import ArgumentParser
import Foundation
import KeyStore

/// A `key=value` label given with `--label`.
struct Label {
    let key: String
    let value: String
}

/// The descriptive fields shared by `add` and `update`.
struct KeyFieldOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Comma-separated scopes, such as products:read,orders:write, or *.", valueName: "scopes"), transform: ArgumentParsing.scopes)
    var scopes: ScopeSet?

    @Option(help: "Who owns the key (a team or a person).")
    var owner: String?

    @Option(help: "What the key is for.")
    var description: String?

    @Option(help: ArgumentHelp("A label, key=value (repeatable).", valueName: "k=v"), transform: { try Label(ArgumentParsing.label($0)) })
    var label: [Label] = []

    @Option(help: ArgumentHelp("When the key was last rotated (ISO 8601).", valueName: "date"), transform: ArgumentParsing.date)
    var rotated: Date?

    @Option(name: .customLong("max-age"), help: ArgumentHelp("The key's own rotation period, such as 30d.", valueName: "duration"), transform: ArgumentParsing.timeSpan)
    var maxAge: TimeSpan?

    var labels: [String: String] { ArgumentParsing.labels(label.map { ($0.key, $0.value) }) }
}

extension Label {
    init(_ pair: (key: String, value: String)) { self.init(key: pair.key, value: pair.value) }
}
