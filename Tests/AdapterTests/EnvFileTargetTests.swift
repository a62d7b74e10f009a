import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Testing

struct EnvFileTargetTests {
    let folder = TemporaryFolder()

    func target(_ file: String = "app.env") -> EnvFileTarget {
        EnvFileTarget(name: "app-env", path: folder.file(file), variable: "API_KEY")
    }

    @Test func deployReplacesOnlyTheVariableKeepingEveryOtherLineAndComment() async throws {
        let path = folder.write("app.env", "# payments service\nexport API_KEY=old_value_1234\n\nDEBUG=1 # verbose\nAPI_KEY_BACKUP=keep\n")
        chmod(path, 0o640)
        try await target().deploy(try Secret(reading: "sk_new_value_5678"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == "# payments service\nexport API_KEY=sk_new_value_5678\n\nDEBUG=1 # verbose\nAPI_KEY_BACKUP=keep\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o640, "an existing file keeps its mode")
    }

    @Test func aNewFileIsCreatedOwnerOnly() async throws {
        try await target("new.env").deploy(try Secret(reading: "sk_brand_new"))
        let path = folder.file("new.env")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "API_KEY=sk_brand_new\n")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
    }

    @Test func snapshotAndRestorePutBackTheOldValueOrRemoveTheLine() async throws {
        let path = folder.write("app.env", "A=1\nAPI_KEY=\"quoted old\"\nB=2\n")
        let previous = try await target().snapshot()
        #expect(previous?.revealText() == "quoted old")
        try await target().deploy(try Secret(reading: "sk_new"))
        try await target().restore(previous)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "A=1\nAPI_KEY=\"quoted old\"\nB=2\n")

        let empty = folder.write("empty.env", "A=1\n")
        let target = target("empty.env")
        #expect(try await target.snapshot() == nil)
        try await target.deploy(try Secret(reading: "sk_new"))
        try await target.restore(nil)
        #expect(try String(contentsOfFile: empty, encoding: .utf8) == "A=1\n")
    }

    @Test func valuesThatNeedQuotingAreQuotedAndReadBackExactly() async throws {
        let tricky = #"p@ss w0rd "with" $dollar \slash"#
        try await target().deploy(try Secret(reading: tricky))
        #expect(try await target().currentSecret()?.revealText() == tricky)
    }

    @Test func noTemporaryFilesAreLeftBehindOnlyTheOwnerOnlyLockFile() async throws {
        folder.write("app.env", "API_KEY=x\n")
        for index in 0..<5 { try await target().deploy(try Secret(reading: "sk_value_\(index)")) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(entries == [".app.env.keyctl-lock", "app.env"])
        #expect(try FileManager.default.attributesOfItem(atPath: folder.file(".app.env.keyctl-lock"))[.posixPermissions] as? Int == 0o600)
    }
}

extension Secret: Equatable {
    public static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.isEqual(to: rhs) }
}
