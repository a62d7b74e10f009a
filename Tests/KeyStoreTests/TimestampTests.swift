import Foundation
import KeyStore
import Testing

struct TimestampTests {
    @Test(arguments: [
        ("2026-03-01", "2026-03-01T00:00:00Z"),
        ("2026-03-01T12:30:05Z", "2026-03-01T12:30:05Z"),
        ("2026-03-01T12:30:05.750Z", "2026-03-01T12:30:05Z"),
        ("2026-03-01T12:30:05+02:00", "2026-03-01T10:30:05Z"),
        ("2026-03-01T00:30:00-01:00", "2026-03-01T01:30:00Z"),
        ("2024-02-29", "2024-02-29T00:00:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
    ])
    func parsesISO8601AndFormatsRFC3339UTC(input: String, expected: String) throws {
        let date = try #require(Timestamp.parse(input))
        #expect(Timestamp.format(date) == expected)
    }

    @Test(arguments: ["", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-03-01T25:00:00Z", "2026-03-01T12:00:00", "03/01/2026", "2026-03-01Tnoon", "2026-03-01T12:00:00Zjunk"])
    func rejectsMalformedDates(input: String) {
        #expect(Timestamp.parse(input) == nil)
    }

    @Test func formattingAgreesWithFoundationAcrossCenturies() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        for seconds in stride(from: Int64(-2_000_000_000), through: 4_000_000_000, by: 7_654_321) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            #expect(Timestamp.format(epochSeconds: seconds) == formatter.string(from: date))
        }
    }
}

struct TimeSpanTests {
    @Test(arguments: [("90d", Int64(7_776_000)), ("12h", 43_200), ("15m", 900), ("1d", 86_400)])
    func parsesDurations(input: String, seconds: Int64) throws {
        #expect(try #require(TimeSpan(input)).seconds == seconds)
    }

    @Test(arguments: ["", "90", "d", "0d", "-5d", "1.5d", "90 d", "3w", "9999999999d"])
    func rejectsMalformedDurations(input: String) {
        #expect(TimeSpan(input) == nil)
    }

    @Test func describesItselfInTheLargestExactUnit() {
        #expect(TimeSpan.days(90).description == "90d")
        #expect(TimeSpan(seconds: 36 * 3600).description == "36h")
        #expect(TimeSpan(seconds: 90 * 60).description == "90m")
    }
}

struct NameAndScopeTests {
    @Test(arguments: ["checkout", "a", "inventory-sync", "svc.v2_b", "0day", String(repeating: "a", count: 64)])
    func acceptsWellFormedNames(name: String) {
        #expect(KeyName(name) != nil)
        #expect(EnvironmentName(name) != nil)
    }

    @Test(arguments: ["", "Checkout", "-lead", ".hidden", "has space", "ünï", "a/b", String(repeating: "a", count: 65)])
    func rejectsMalformedNames(name: String) {
        #expect(KeyName(name) == nil)
        #expect(EnvironmentName(name) == nil)
    }

    @Test func scopeListsAreSortedAndDeduplicated() throws {
        let scopes = try ScopeSet(parsing: "orders:write, products:read,orders:write")
        #expect(scopes.description == "orders:write,products:read")
        #expect(try ScopeSet(parsing: "*").description == "*")
        #expect(try ScopeSet(parsing: "orders:*").description == "orders:*")
    }

    @Test(arguments: ["", "orders", "orders:", ":write", "Orders:write", "orders:write:extra", "orders:write,,x:y"])
    func rejectsMalformedScopeLists(list: String) {
        #expect(throws: KeyStoreError.self) { try ScopeSet(parsing: list) }
    }
}

struct SecretTests {
    @Test func neverPrintsItself() throws {
        let secret = try Secret(reading: "sk_live_0123456789abcdefghij\n")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("sk_live"))
    }

    @Test func fingerprintIsSHA256OfTheSecretWithoutTheTrailingNewline() throws {
        // printf 'abc' | sha256sum
        let secret = try Secret(reading: "abc\n")
        #expect(secret.fingerprint.rawValue == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func hintShowsOnlyTheLastFourCharactersOfLongSecrets() throws {
        #expect(try Secret(reading: "sk_live_0123456789abcdefWXYZ").hint == "****WXYZ")
        #expect(try Secret(reading: "short-secret").hint == "****")
    }

    @Test func rejectsEmptyAndMultiLineSecrets() {
        #expect(throws: KeyStoreError.self) { try Secret(reading: "\n") }
        #expect(throws: KeyStoreError.self) { try Secret(reading: "one\ntwo\n") }
    }

    @Test func comparesSecrets() throws {
        #expect(try Secret(reading: "same-secret").isEqual(to: Secret(reading: "same-secret\n")))
        #expect(try !Secret(reading: "same-secret").isEqual(to: Secret(reading: "same-secreT")))
    }
}
