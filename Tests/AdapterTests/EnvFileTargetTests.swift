import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
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

    @Test func aValueWithANULByteIsRefusedBeforeAnythingIsWritten() async throws {
        let path = folder.write("app.env", "API_KEY=a\u{0}b\nOTHER=1\n")
        let error = await #expect(throws: AdapterError.self) { try await target().snapshot() }
        #expect(error?.message.contains("contains a NUL byte") == true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("API_KEY=a\u{0}b\nOTHER=1\n".utf8))
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

    @Test(arguments: DotenvFileTests.samples.filter { $0.canonical && $0.value?.isEmpty == false })
    func abortRestoresTheOriginalFileByteForByte(sample: DotenvSample) async throws {
        let path = folder.write("app.env", sample.file)
        let previous = try await target().snapshot()
        #expect(previous?.revealText() == sample.value)
        try await target().deploy(try Secret(reading: "sk_new_value_5678"))
        #expect(try await target().currentSecret()?.revealText() == "sk_new_value_5678")
        try await target().restore(previous)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == sample.file)
    }

    @Test func twelveVariablesRewrittenConcurrentlyInOneFileLoseNoWrite() async throws {
        let path = folder.write("shared.env", "# shared by twelve keys\n")
        // Each write fsyncs under the lock; a generous wait keeps a loaded disk from failing a test about lost writes.
        let targets = (0..<12).map { EnvFileTarget(name: "shared", path: path, variable: "KEY_\($0)", lockTimeout: .seconds(120)) }
        for round in 0..<4 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, target) in targets.enumerated() {
                    group.addTask { try await target.deploy(try Secret(reading: "sk_round\(round)_key\(index)")) }
                }
                try await group.waitForAll()
            }
            for (index, target) in targets.enumerated() {
                #expect(try await target.currentSecret()?.revealText() == "sk_round\(round)_key\(index)", "round \(round)")
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("# shared by twelve keys\n"))
    }

    @Test func aWriterWaitsForTheLockAndFailsRetryablyWhenItIsNeverReleased() async throws {
        let path = folder.write("app.env", "API_KEY=old\n")
        let holder = open(FileLock.lockPath(beside: path), O_RDWR | O_CREAT, 0o600)
        defer { close(holder) }
        #expect(flock(holder, LOCK_EX) == 0)
        let waiting = EnvFileTarget(name: "app-env", path: path, variable: "API_KEY", lockTimeout: .milliseconds(200))
        do {
            try await waiting.deploy(try Secret(reading: "sk_new"))
            Issue.record("the rewrite did not wait for the lock")
        } catch let error as AdapterError {
            #expect(error.kind == .retryable)
            #expect(error.message.contains("held the lock on \(path)"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "API_KEY=old\n")
        flock(holder, LOCK_UN)
        try await waiting.deploy(try Secret(reading: "sk_new"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "API_KEY=sk_new\n")
    }

    @Test func aSymlinkedFileIsWrittenThroughToItsTargetAndStaysALink() async throws {
        try FileManager.default.createDirectory(atPath: folder.file("real"), withIntermediateDirectories: true)
        let real = folder.write("real/app.env", "A=1\nAPI_KEY=old\n")
        chmod(real, 0o640)
        let link = folder.file("app.env")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real/app.env")
        try await target().deploy(try Secret(reading: "sk_new"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real/app.env")
        #expect(try String(contentsOfFile: real, encoding: .utf8) == "A=1\nAPI_KEY=sk_new\n")
        #expect(try FileManager.default.attributesOfItem(atPath: real)[.posixPermissions] as? Int == 0o640)
        #expect(FileManager.default.fileExists(atPath: folder.file("real/.app.env.keyctl-lock")), "the lock is beside the target")
        #expect(try await target().currentSecret()?.revealText() == "sk_new")
    }

    @Test func aDanglingSymlinkIsRefusedWithoutCreatingAnything() async throws {
        try FileManager.default.createSymbolicLink(atPath: folder.file("app.env"), withDestinationPath: "missing/app.env")
        for attempt in [{ try await target().deploy(try Secret(reading: "sk_new")) }, { _ = try await target().snapshot() }] {
            do {
                try await attempt()
                Issue.record("a dangling symlink was used")
            } catch let error as AdapterError {
                #expect(error.kind == .needsOperator)
                #expect(error.message.contains("is a symbolic link to missing/app.env, which does not exist"))
            }
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("missing")))
    }

    @Test func aFileLargerThanOneMebibyteIsRefused() async throws {
        let path = folder.write("app.env", "API_KEY=old\n" + String(repeating: "# padding\n", count: 110_000))
        await #expect(throws: AdapterError.self) { try await target().snapshot() }
        do {
            try await target().deploy(try Secret(reading: "sk_new"))
            Issue.record("a huge file was rewritten")
        } catch let error as AdapterError {
            #expect(error.message.contains("larger than 1 MiB"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("API_KEY=old\n"))
    }

    @Test func aLineThatCannotBeReadIsRefusedNamingItsLine() async throws {
        let path = folder.write("app.env", "A=1\nAPI_KEY=\"unclosed\nB=2\n")
        do {
            try await target().deploy(try Secret(reading: "sk_new"))
            Issue.record("an unreadable line was rewritten")
        } catch let error as AdapterError {
            #expect(error.kind == .needsOperator)
            #expect(error.message.contains("line 2 assigns API_KEY"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "A=1\nAPI_KEY=\"unclosed\nB=2\n")
    }
}

extension Secret: Equatable {
    public static func == (lhs: Secret, rhs: Secret) -> Bool { lhs.isEqual(to: rhs) }
}
