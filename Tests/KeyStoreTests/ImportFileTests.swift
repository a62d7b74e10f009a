import Foundation
import KeyStore
import Testing

struct ImportFileTests {
    @Test func readsCSVWithQuotedScopesAndOptionalColumns() throws {
        let csv = """
            name,env,scopes,owner,description,created,rotated,max-age
            checkout,prod,"orders:write,products:read",payments,"Checkout, the ""main"" one",2026-01-01,2026-06-01,30d
            storefront,prod,products:read,,,,,
            """
        let entries = try ImportFile.parse(Data(csv.utf8), fileName: "keys.csv")
        #expect(entries.count == 2)
        let first = entries[0].draft
        #expect(first.scopes.description == "orders:write,products:read")
        #expect(first.description == "Checkout, the \"main\" one")
        #expect(first.maxAge == .days(30))
        #expect(Timestamp.format(first.rotatedAt!) == "2026-06-01T00:00:00Z")
        #expect(entries[1].draft.owner == nil)
        #expect(entries[1].draft.createdAt == nil)
        #expect(entries[1].location == "keys.csv:3")
    }

    @Test func readsJSONArraysWithScopeArrays() throws {
        let json = #"[{"name":"checkout","env":"prod","scopes":["orders:write"],"max-age":"30d","owner":null},{"name":"admin","env":"prod","scopes":["*"]}]"#
        let entries = try ImportFile.parse(Data(json.utf8), fileName: "keys.json")
        #expect(entries.map(\.draft.name.rawValue) == ["checkout", "admin"])
        #expect(entries[0].draft.maxAge == .days(30))
    }

    @Test(arguments: [
        ("name,env\ncheckout,prod\n", "keys.csv:1: missing the required column 'scopes'"),
        ("name,env,scopes,colour\n", "keys.csv:1: unknown column 'colour'"),
        ("name,env,scopes\ncheckout,prod,orders:write\nBad Name,prod,orders:write\n", "keys.csv:3: invalid name 'Bad Name'"),
        ("name,env,scopes\ncheckout,prod,orders\n", "keys.csv:2: invalid scope 'orders'"),
        ("name,env,scopes,created\ncheckout,prod,*,yesterday\n", "keys.csv:2: invalid created date 'yesterday'"),
        ("name,env,scopes\ncheckout,prod,orders:write,products:read\n", "keys.csv:2: expected 3 fields, found 4"),
        ("name,env,scopes\ncheckout,prod,\"orders:write\n", "keys.csv:2: a quoted field is not closed"),
        ("name,env,scopes,max-age\ncheckout,prod,*,90 days\n", "keys.csv:2: invalid max-age '90 days'"),
        ("name,env,scopes,created,rotated\ncheckout,prod,*,2026-02-01,2026-01-01\n", "keys.csv:2: rotated is before created"),
        ("", "keys.csv: the file is empty"),
        ("name,env,scopes,owner\ncheckout,prod,*,pay\u{0}ments\n", "keys.csv:2: a field contains a NUL byte"),
        ("name,env,scopes,owner\ncheckout,prod,*,\"pay\u{0}\nments\"\n", "keys.csv:2: a field contains a NUL byte"),
        ("name,env,scopes,owner\ncheckout,prod,*,\"multi\nline\"\nother,prod,*,x\u{0}\n", "keys.csv:4: a field contains a NUL byte"),
        ("name\u{0},env,scopes\n", "keys.csv:1: a field contains a NUL byte"),
        ("\u{0}", "keys.csv:1: a field contains a NUL byte"),
    ])
    func csvErrorsNameTheLine(csv: String, expected: String) {
        let error = #expect(throws: KeyStoreError.self) { try ImportFile.parse(Data(csv.utf8), fileName: "keys.csv") }
        #expect(error?.category == .invalidInput)
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        (#"{"name":"x"}"#, "keys.json: expected an array"),
        (#"[{"name":"checkout","env":"prod","scopes":"orders:write"}, 5]"#, "keys.json: entry 2: expected an object"),
        (#"[{"name":"checkout","env":"prod","scopes":["orders:write"],"secret":"sk_x"}]"#, "keys.json: entry 1: unknown field 'secret'"),
        (#"[{"name":"checkout","env":"prod","scopes":[1]}]"#, "keys.json: entry 1: 'scopes' must be an array of strings"),
        ("[{", "keys.json: not valid JSON"),
        (#"[{"name":"checkout","env":"prod","scopes":["*"],"description":"a\u0000b"}]"#, "keys.json: entry 1: 'description' contains a NUL byte"),
        (#"[{"name":"a","env":"prod","scopes":["*"]},{"name":"b","env":"prod","scopes":["x:y\u0000"]}]"#, "keys.json: entry 2: 'scopes' contains a NUL byte"),
    ])
    func jsonErrorsNameTheEntry(json: String, expected: String) {
        let error = #expect(throws: KeyStoreError.self) { try ImportFile.parse(Data(json.utf8), fileName: "keys.json") }
        #expect(error?.message.hasPrefix(expected) == true, "\(error?.message ?? "")")
    }
}
