import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import PostgresStore

/// Property: whatever the password and wherever it comes from, no message, error, displayName or
/// description holds it, whether the URL reads or not.
struct PostgresPasswordSecrecyTests {
    static let alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~é€"
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    /// Malformed URLs around a password, each wrong in a different part.
    static func malformed(userinfo: String, query: String) -> [String] {
        [
            "postgres://u:\(userinfo)@h:99999/d", "postgres://u:\(userinfo)@h/d?sslmode=nope", "postgres://u:\(userinfo)@h/d?unknown=1",
            "postgres://u:\(userinfo)@h/d?sslmode=verify-full&sslrootcert=/nonexistent/ca", "postgres://u:\(userinfo)@h/%zz",
            "postgres://u:\(userinfo)@[::1/d", "postgres://u@h:x/d?password=\(query)", "postgres://u@h/d?password=\(query)&connect_timeout=x",
            "mysql://u:\(userinfo)@h/d",
        ]
    }

    @Test
    func noPasswordAppearsInAnyMessageDisplayNameOrDescription() throws {
        var generator = SeededGenerator(seed: 0x6B65_7963_746C_0010)
        let home = TemporaryFolder()
        for _ in 0..<300 {
            let password = generator.string(from: Self.alphabet, count: Int.random(in: 12...40, using: &generator))
            let encoded = password.addingPercentEncoding(withAllowedCharacters: Self.unreserved)!
            var texts: [String] = []
            for url in ["postgres://alice:\(encoded)@db.example.com/keys", "postgres://alice@db.example.com/keys?password=\(encoded)"] {
                let read = try settings(url, home: home.path)
                #expect(read.configuration.password == password)
                var dumped = ""
                dump(read, to: &dumped)
                texts += [read.displayName, read.description, String(reflecting: read), dumped]
            }
            let fromEnvironment = try settings("postgres://alice@db.example.com/keys", ["PGPASSWORD": password], home: home.path)
            #expect(fromEnvironment.configuration.password == password)
            texts += [fromEnvironment.displayName, "\(fromEnvironment)"]
            for url in Self.malformed(userinfo: encoded, query: encoded) {
                let error = readingError(url, ["PGPASSWORD": password], home: home.path)
                #expect(error?.category == .invalidInput, "\(url) read")
                texts.append(error?.message ?? "")
            }
            // Unencoded, a password may shift the URL's parts so that it reads after all; when
            // it does not, the error still holds none of it.
            for url in Self.malformed(userinfo: password, query: password) {
                texts.append(readingError(url, ["PGPASSWORD": password], home: home.path)?.message ?? "")
            }
            let failure = fromEnvironment.connectionFailure(CancellationError())
            texts.append(failure.message)
            for text in texts {
                #expect(!text.contains(password), "a message holds the password: \(text)")
                #expect(!text.contains(encoded), "a message holds the encoded password: \(text)")
            }
        }
    }
}
