import Foundation

extension ImportEntry {
    /// Builds and checks one entry from its fields' UTF-8 bytes; an empty field counts as absent.
    /// Names, scopes and dates are checked as bytes; only what is stored becomes a String.
    init(location: String, _ field: (ImportFile.Field) -> ArraySlice<UInt8>?) throws(KeyStoreError) {
        func value(_ name: ImportFile.Field) -> ArraySlice<UInt8>? {
            guard let bytes = field(name), !bytes.isEmpty else { return nil }
            return bytes
        }
        func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        func fail(_ problem: String) -> KeyStoreError { KeyStoreError(.invalidInput, "\(location): \(problem)") }
        func date(_ name: ImportFile.Field) throws(KeyStoreError) -> Date? {
            guard let bytes = value(name) else { return nil }
            guard let date = Timestamp.parse(utf8: bytes) else {
                throw fail("invalid \(name.rawValue) date '\(text(bytes))': \(Timestamp.rule)")
            }
            return date
        }

        guard let nameBytes = value(.name) else { throw fail("missing name") }
        guard Slug.isValid(utf8: nameBytes) else { throw fail("invalid name '\(text(nameBytes))': \(KeyName.rule)") }
        guard let envBytes = value(.env) else { throw fail("missing env") }
        guard Slug.isValid(utf8: envBytes) else { throw fail("invalid env '\(text(envBytes))': \(EnvironmentName.rule)") }
        let scopes: ScopeSet
        do {
            scopes = try ScopeSet(parsingUTF8: value(.scopes) ?? [])
        } catch {
            throw fail(error.message)
        }
        var maxAge: TimeSpan?
        if let bytes = value(.maxAge) {
            guard let span = TimeSpan(text(bytes)) else { throw fail("invalid max-age '\(text(bytes))': \(TimeSpan.rule)") }
            maxAge = span
        }
        let created = try date(.created)
        let rotated = try date(.rotated)
        if let created, let rotated, rotated < created { throw fail("rotated is before created") }
        self.init(
            draft: KeyDraft(
                name: KeyName(stored: text(nameBytes)), env: EnvironmentName(stored: text(envBytes)), scopes: scopes,
                owner: value(.owner).map(text), description: value(.description).map(text),
                createdAt: created, rotatedAt: rotated, maxAge: maxAge),
            location: location)
    }
}
