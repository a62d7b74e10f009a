import Foundation
import GRDB
@testable import KeyStore
import KeyctlTestSupport
import SQLiteStore
import Testing

/// The anchor against someone who can write the registry but not the signing key.
struct AuditAnchorTests {
    /// A registry with five events, a signing key in its folder and an anchor there.
    struct World {
        let test: TestRegistry
        let key: AuditSigningKey
        let anchor: AuditAnchor

        var registry: SQLiteKeyRegistry { test.sqlite }
        var checkpointFile: String { anchor.path }

        init() async throws {
            test = try makeTestRegistry()
            for name in ["a", "b", "c", "d", "e"] {
                _ = try await test.registry.addKey(try draft(name), secret: nil, actor: "alice")
                test.clock.advance(by: .days(1))
            }
            key = try #require(try AuditSigningKey.load(environment: [:], keyFile: test.folder.file("keys/audit-signing.key"), create: true))
            anchor = try #require(AuditAnchor(AuditAnchorSettings(
                checkpointFile: test.folder.file("anchor/checkpoints.jsonl"), signingKeyFile: test.folder.file("keys/audit-signing.key"))))
        }

        @discardableResult
        func checkpoint(onlyIfChanged: Bool = false) async throws -> AuditCheckpoint? {
            try await anchor.checkpoint(of: registry, key: key, at: test.clock.now(), onlyIfChanged: onlyIfChanged)
        }

        func verify(with verificationKey: AuditVerificationKey? = nil) async throws -> AuditAnchorVerdict {
            try await anchor.verify(against: registry, key: verificationKey ?? key.verificationKey)
        }

        func tamper(_ sql: String) throws {
            let queue = try DatabaseQueue(path: test.path)
            try queue.write { db in try db.execute(sql: sql) }
            try queue.close()
        }

        func lines() throws -> [String] {
            try String(contentsOfFile: checkpointFile, encoding: .utf8).split(separator: "\n").map(String.init)
        }

        func writeLines(_ lines: [String]) throws {
            try (lines.joined(separator: "\n") + "\n").write(toFile: checkpointFile, atomically: true, encoding: .utf8)
        }

        /// Edits event `seq`'s actor and recomputes every hash from there: a chain that verifies on its own.
        func forge(seq: Int64, actor: String) async throws {
            var events: [AuditEvent] = []
            try await registry.forEachAuditEvent(matching: AuditFilter()) { events.append($0) }
            var previous = AuditEvent.genesisHash
            for index in events.indices {
                if events[index].seq == seq { events[index].actor = actor }
                events[index].prevHash = previous
                events[index].hash = events[index].expectedHash
                previous = events[index].hash
            }
            let forged = events
            let queue = try DatabaseQueue(path: test.path)
            try await queue.write { db in
                for event in forged {
                    try db.execute(
                        sql: "UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                        arguments: [event.actor, event.prevHash, event.hash, event.seq])
                }
            }
            try queue.close()
        }
    }

    func tamperedReason(_ verdict: AuditAnchorVerdict) -> String? {
        if case .tampered(let reason) = verdict { return reason }
        return nil
    }

    @Test func anIntactLogWithItsCheckpointsVerifies() async throws {
        let world = try await World()
        try await world.checkpoint()
        _ = try await world.registry.addKey(try draft("f"), secret: nil, actor: "alice")
        try await world.checkpoint()
        _ = try await world.registry.addKey(try draft("g"), secret: nil, actor: "alice")

        let verdict = try await world.verify()
        guard case .consistent(let count, let latest, let unanchored) = verdict else {
            Issue.record("expected a consistent anchor, got \(verdict)")
            return
        }
        #expect(count == 2)
        #expect(latest?.head.events == 6)
        #expect(unanchored == 1)
    }

    @Test func aForgedEventWithARecomputedChainIsDetected() async throws {
        let world = try await World()
        try await world.checkpoint()
        try await world.forge(seq: 2, actor: "mallory")
        guard case .intact = try await world.registry.verifyAuditChain() else {
            Issue.record("the forgery should fool the internal chain")
            return
        }
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("event 5"))
        #expect(reason.contains("rewritten"))
    }

    @Test func deletingTheNewestEventsIsDetected() async throws {
        let world = try await World()
        try await world.checkpoint()
        try world.tamper("DELETE FROM audit_events WHERE seq > 3")
        guard case .intact(let events, _) = try await world.registry.verifyAuditChain() else {
            Issue.record("a truncated chain is intact on its own")
            return
        }
        #expect(events == 3)
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("events 4 to 5 were deleted"))
    }

    @Test func deletingEveryEventIsDetected() async throws {
        let world = try await World()
        try await world.checkpoint()
        try world.tamper("DELETE FROM audit_events")
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("emptied"))
    }

    @Test func anEditedCheckpointFailsItsSignature() async throws {
        let world = try await World()
        try await world.checkpoint()
        var lines = try world.lines()
        lines[0] = lines[0].replacingOccurrences(of: "\"event_count\":5", with: "\"event_count\":3")
        try world.writeLines(lines)
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("signature does not verify"))
    }

    @Test func checkpointsSignedByAnotherKeyAreRejected() async throws {
        let world = try await World()
        try await world.checkpoint()
        let other = try #require(try AuditSigningKey.load(environment: [:], keyFile: world.test.folder.file("keys/other.key"), create: true))
        let reason = try #require(tamperedReason(try await world.verify(with: other.verificationKey)))
        #expect(reason.contains("signed by \(world.key.verificationKey.keyID), not by \(other.verificationKey.keyID)"))
    }

    @Test func aCheckpointRemovedFromTheMiddleIsDetected() async throws {
        let world = try await World()
        for name in ["f", "g"] {
            try await world.checkpoint()
            _ = try await world.registry.addKey(try draft(name), secret: nil, actor: "alice")
        }
        try await world.checkpoint()
        var lines = try world.lines()
        #expect(lines.count == 3)
        lines.remove(at: 1)
        try world.writeLines(lines)
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("line 2"))
        #expect(reason.contains("removed"))
    }

    @Test func aDeletedCheckpointFileIsReportedWhenTheRegistryHasEvents() async throws {
        let world = try await World()
        let reason = try #require(tamperedReason(try await world.verify()))
        #expect(reason.contains("no checkpoint"))
    }

    @Test func checkpointsLinkToThePreviousLineAndSkipAnUnchangedHead() async throws {
        let world = try await World()
        let first = try #require(try await world.checkpoint())
        #expect(try await world.checkpoint(onlyIfChanged: true) == nil)
        _ = try await world.registry.addKey(try draft("f"), secret: nil, actor: "alice")
        let second = try #require(try await world.checkpoint(onlyIfChanged: true))
        let lines = try world.lines()
        #expect(lines.count == 2)
        #expect(first.prevCheckpointHash == AuditEvent.genesisHash)
        #expect(second.seq == 2)
        #expect(second.prevCheckpointHash == AuditCheckpoint.hash(ofLine: lines[0]))
        #expect(AuditCheckpoint(line: lines[1]) == second)
    }

    @Test func aNewKeyCannotExtendCheckpointsSignedByAnother() async throws {
        let world = try await World()
        try await world.checkpoint()
        let other = try #require(try AuditSigningKey.load(environment: [:], keyFile: world.test.folder.file("keys/other.key"), create: true))
        await #expect(throws: KeyStoreError.self) {
            _ = try await world.anchor.checkpoint(of: world.registry, key: other, at: world.test.clock.now(), onlyIfChanged: false)
        }
        #expect(try world.lines().count == 1)
    }

    @Test func noCheckpointIsSignedOverATruncatedLog() async throws {
        let world = try await World()
        try await world.checkpoint()
        try world.tamper("DELETE FROM audit_events WHERE seq > 3")
        await #expect(throws: KeyStoreError.self) { try await world.checkpoint() }
        #expect(try world.lines().count == 1)
    }

    @Test func keyAndCheckpointFilesAreCreatedPrivate() async throws {
        let world = try await World()
        try await world.checkpoint()
        for (path, mode) in [
            (world.checkpointFile, 0o600), (world.test.folder.file("keys/audit-signing.key"), 0o600), (world.test.folder.file("keys"), 0o700),
        ] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
        }
        let reloaded = try AuditSigningKey.load(environment: [:], keyFile: world.test.folder.file("keys/audit-signing.key"), create: false)
        #expect(reloaded?.verificationKey == world.key.verificationKey)
    }

    @Test func aSigningKeyFileOpenToOthersIsRefusedAsSSHRefusesSuchKeys() async throws {
        let world = try await World()
        try await world.checkpoint()
        let file = world.test.folder.file("keys/audit-signing.key")
        chmod(file, 0o644)
        let error = #expect(throws: KeyStoreError.self) { try AuditSigningKey.load(environment: [:], keyFile: file, create: false) }
        #expect(error?.message.contains("is open to its group or others: chmod 600 it") == true)
    }

    @Test func aPublicKeyFileVerifiesWithoutTheSigningKey() async throws {
        let world = try await World()
        try await world.checkpoint()
        let publicFile = world.test.folder.write("audit.pub", world.key.verificationKey.base64 + "\n")
        let key = try AuditVerificationKey.resolve(publicKeyFile: publicFile, environment: [:], signingKeyFile: world.test.folder.file("absent.key"))
        guard case .consistent(1, _, 0) = try await world.verify(with: key) else {
            Issue.record("expected the public key to verify the checkpoint")
            return
        }
        #expect(throws: KeyStoreError.self) {
            try AuditVerificationKey.resolve(publicKeyFile: nil, environment: [:], signingKeyFile: world.test.folder.file("absent.key"))
        }
        #expect(!FileManager.default.fileExists(atPath: world.test.folder.file("absent.key")))
    }

    @Test(arguments: ["not base64!", "c2hvcnQ=", ""])
    func aMalformedSigningKeyIsRefused(text: String) throws {
        let folder = TemporaryFolder()
        let file = folder.write("audit.key", text.isEmpty ? "garbage" : text)
        chmod(file, 0o600)
        let environment = text.isEmpty ? [:] : ["KEYCTL_AUDIT_KEY": text]
        #expect(throws: KeyStoreError(.invalidInput, text.isEmpty
            ? "the audit signing key file \(file) is not a base64-encoded 32-byte Ed25519 key; restore it from your backup"
            : "KEYCTL_AUDIT_KEY must be a 32-byte Ed25519 private key, base64-encoded (openssl rand -base64 32)")) {
            try AuditSigningKey.load(environment: environment, keyFile: file, create: true)
        }
    }

    @Test func settingsComeFromTheEnvironmentAndOptionsWin() {
        let settings = AuditAnchorSettings(environment: [
            "KEYCTL_AUDIT_CHECKPOINTS": "/var/log/keyctl/checkpoints.jsonl", "KEYCTL_AUDIT_SYSLOG": "1", "XDG_CONFIG_HOME": "/etc/xdg",
        ])
        #expect(settings == AuditAnchorSettings(
            checkpointFile: "/var/log/keyctl/checkpoints.jsonl", signingKeyFile: "/etc/xdg/keyctl/audit-signing.key", syslog: true))
        let overridden = AuditAnchorSettings(environment: ["KEYCTL_AUDIT_CHECKPOINTS": "/a"], checkpointFile: "/b", publicKeyFile: "/c.pub")
        #expect(overridden.checkpointFile == "/b")
        #expect(overridden.publicKeyFile == "/c.pub")
        #expect(AuditAnchor(AuditAnchorSettings(environment: ["KEYCTL_AUDIT_CHECKPOINTS": ""])) == nil)
    }
}
