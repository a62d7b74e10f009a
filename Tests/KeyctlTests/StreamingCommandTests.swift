import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import keyctl

/// Listings and imports stream: they behave the same on inputs larger than what they hold at once
/// (a 64 KiB read of an import file, the 1,000 rows that size a table's columns).
struct StreamingCommandTests {
    @Test(arguments: ["keys.csv", "keys.json"])
    func importOfAFileLargerThanOneReadRollsBackEveryRowOnItsLastBadOne(fileName: String) async throws {
        let cli = await CLIHarness.initialised()
        let count = 4_000
        let names = (0..<count).map { String(format: "key-%05d", $0) }
        func file(lastName: String) -> String {
            let all = names.dropLast() + [lastName]
            if fileName.hasSuffix(".csv") {
                return "\u{FEFF}name,env,scopes,owner\n" + all.map { "\($0),prod,\"orders:write, products:read\",team\n" }.joined()
            }
            return "[" + all.map { #"{"name":"\#($0)","env":"prod","scopes":["orders:write","products:read"]}"# }.joined(separator: ",\n") + "]"
        }
        let bad = cli.folder.write("bad-" + fileName, file(lastName: "Bad Name"))
        // More than one 64 KiB read of the file.
        #expect(try FileManager.default.attributesOfItem(atPath: bad)[.size] as! Int > 65_536)
        let events = await cli.eventCount()

        let rejected = await cli.run("import", bad)
        #expect(rejected.code == 65)
        let location = fileName.hasSuffix(".csv") ? "bad-keys.csv:\(count + 1):" : "bad-keys.json: entry \(count):"
        #expect(rejected.stderr.contains("\(location) invalid name 'Bad Name'"), "\(rejected.stderr)")
        #expect(await cli.eventCount() == events)
        #expect((try await cli.run("list", "--format", "json").json()["keys"] as? [Any])?.count == 0)

        let good = cli.folder.write("good-" + fileName, file(lastName: names.last!))
        let imported = await cli.run("import", good)
        #expect(imported.code == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported \(count) keys"))
        let listed = try await cli.run("list", "--format", "json").json()["keys"] as? [[String: Any]]
        #expect(listed?.count == count)
        #expect(listed?.last?["scopes"] as? [String] == ["orders:write", "products:read"])
        #expect(await cli.eventCount() == events + 1)
    }

    @Test(arguments: [1, 999, 1_000])
    func aTableOfAtMostAThousandRowsPrintsAsAWholeTableDoes(rows: Int) {
        let output = CapturedOutput()
        var streamed = StreamingTable("NAME", "OWNER", "AGE", to: output)
        var whole = TextTable("NAME", "OWNER", "AGE")
        for index in 0..<rows {
            let row = ["key-\(index)", String(repeating: "o", count: index % 37), "\(index)d"]
            streamed.add(row)
            whole.add(row)
        }
        streamed.finish()
        #expect(output.text == whole.render())
    }

    @Test func beyondAThousandRowsAWiderCellPushesTheRestOfItsLineRight() {
        let output = CapturedOutput()
        var table = StreamingTable("NAME", "ENV", to: output)
        for index in 0..<1_500 { table.add(["key-\(index)", "prod"]) }
        let written = output.text.split(separator: "\n").count
        #expect(written == 1 + StreamingTable.sizingRows)
        table.add(["a-much-longer-name-than-the-others", "dev"])
        table.finish()
        let lines = output.text.split(separator: "\n")
        #expect(lines.count == 1 + 1_501)
        #expect(lines[0] == "NAME     ENV")
        #expect(lines[1_500] == "key-1499  prod")
        #expect(lines[1_501] == "a-much-longer-name-than-the-others  dev")
    }
}
