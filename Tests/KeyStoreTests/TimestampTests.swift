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

    @Test(arguments: ["0000-01-01", "0000-12-31T23:59:59Z", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01", "9999-12-31T23:59:60Z", "10000-01-01", "-0001-01-01"])
    func rejectsDatesOutsideYears0001To9999(input: String) {
        #expect(Timestamp.parse(input) == nil)
    }

    @Test func acceptsTheFirstAndLastSupportedInstants() throws {
        #expect(Timestamp.format(try #require(Timestamp.parse("0001-01-01"))) == "0001-01-01T00:00:00Z")
        #expect(Timestamp.format(try #require(Timestamp.parse("9999-12-31T23:59:59Z"))) == "9999-12-31T23:59:59Z")
    }

    @Test(arguments: [
        (Int64.max, "9999-12-31T23:59:59Z"), (Timestamp.supportedRange.upperBound + 1, "9999-12-31T23:59:59Z"),
        (Int64.min, "0001-01-01T00:00:00Z"), (Timestamp.supportedRange.lowerBound - 1, "0001-01-01T00:00:00Z"),
    ])
    func formattingClampsToTheSupportedYearsInsteadOfOverflowing(seconds: Int64, expected: String) {
        #expect(Timestamp.format(epochSeconds: seconds) == expected)
    }

    @Test(arguments: [Double.infinity, -Double.infinity, Double.nan, 1e300, -1e300])
    func epochSecondsOfAnExtremeDateIsClampedNotACrash(interval: Double) {
        let seconds = Timestamp.epochSeconds(Date(timeIntervalSince1970: interval))
        #expect(Timestamp.supportedRange.contains(seconds))
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

    @Test(arguments: ["", "90", "d", "0d", "-5d", "1.5d", "90 d", "3w", "9999999999d", "+5d", "99999999999999999999d", "36501d", "876001h", "52560001m", " 5d", "5d ", "0x5d", "٥d"])
    func rejectsMalformedDurations(input: String) {
        #expect(TimeSpan(input) == nil)
    }

    @Test(arguments: [("36500d", Int64(3_153_600_000)), ("876000h", 3_153_600_000), ("52560000m", 3_153_600_000), ("007d", 604_800)])
    func acceptsDurationsUpToAHundredYears(input: String, seconds: Int64) throws {
        #expect(try #require(TimeSpan(input)).seconds == seconds)
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
