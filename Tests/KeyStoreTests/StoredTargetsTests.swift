import KeyStore
import Testing

/// A rotation's stored target list decodes the same the first time and every time after.
struct StoredTargetsTests {
    @Test(arguments: [
        ("[\"app-env\",\"vault\"]", ["app-env", "vault"] as [String]?),
        ("[]", []),
        ("[\"a\\\"b\"]", ["a\"b"]),
        ("nope", nil),
        ("[1]", nil),
        ("{\"a\":1}", nil),
    ])
    func decodesAJSONArrayOfNamesAndRefusesAnythingElse(json: String, expected: [String]?) {
        #expect(StoredTargets.decode(json) == expected)
        #expect(StoredTargets.decode(json) == expected, "read again")
    }

    @Test(arguments: [["app-env", "vault"], [], ["quote\"back\\slash", "line\nbreak\u{7F}", "naïve"]])
    func anEncodedListDecodesToTheSameNames(targets: [String]) {
        #expect(StoredTargets.decode(StoredTargets.encode(targets)) == targets)
    }

    @Test func manyDistinctListsStillDecodeEachToItsOwnNames() {
        for index in 0..<200 {
            #expect(StoredTargets.decode("[\"target-\(index)\"]") == ["target-\(index)"])
        }
        let long = "[\"" + String(repeating: "x", count: 5_000) + "\"]"
        #expect(StoredTargets.decode(long) == [String(repeating: "x", count: 5_000)])
    }
}
