import Foundation
import KeyStore
import KeyctlTestSupport
import Testing
@testable import PostgresStore

struct PostgresPasswordTests {
    @Test
    func theURLComesFirstThenPGPASSWORDThenThePasswordFile() throws {
        let home = TemporaryFolder()
        home.write(".pgpass", "h:5432:d:u:from-pgpass\n")
        let environment = ["PGPASSWORD": "from-environment"]
        #expect(try settings("postgres://u:from-url@h/d", environment, home: home.path).configuration.password == "from-url")
        #expect(try settings("postgres://u@h/d?password=from-query", environment, home: home.path).configuration.password == "from-query")
        #expect(try settings("postgres://u@h/d", environment, home: home.path).configuration.password == "from-environment")
        #expect(try settings("postgres://u@h/d", [:], home: home.path).configuration.password == "from-pgpass")
        #expect(try settings("postgres://u@h/other", [:], home: home.path).configuration.password == nil)
    }

    @Test
    func PGPASSFILEAndPassfileReplaceTheHomeFile() throws {
        let home = TemporaryFolder()
        home.write(".pgpass", "*:*:*:*:home\n")
        let other = home.write("other.pgpass", "*:*:*:*:other\n")
        #expect(try settings("postgres://u@h/d", ["PGPASSFILE": other], home: home.path).configuration.password == "other")
        #expect(try settings("postgres://u@h/d?passfile=\(other)", [:], home: home.path).configuration.password == "other")
    }

    @Test
    func pgpassMatchesFieldByFieldWithWildcardsAndTheFirstLineWins() {
        let file = PgPass(text: """
            # a comment:with:colons:and:more
            db.example.com:5432:keys:alice:first
            db.example.com:5432:keys:alice:second
            *:6000:*:*:any-host-on-6000
            db.example.com:*:*:bob:bobs
            too:few:fields
            *:*:*:*:fallback
            """)
        #expect(file.password(host: "db.example.com", port: "5432", database: "keys", user: "alice") == "first")
        #expect(file.password(host: "elsewhere", port: "6000", database: "x", user: "y") == "any-host-on-6000")
        #expect(file.password(host: "db.example.com", port: "7", database: "x", user: "bob") == "bobs")
        #expect(file.password(host: "too", port: "few", database: "fields", user: "") == "fallback")
        #expect(PgPass(text: "a:1:b:c:pw").password(host: "a", port: "1", database: "b", user: "C") == nil)
    }

    @Test
    func pgpassUnescapesColonsAndBackslashesAndKeepsAnEscapedStarLiteral() {
        let file = PgPass(text: "h:5432:d\\:b:u\\\\x:p\\:w\\\\\r\n\\*:*:*:*:star\n")
        #expect(file.password(host: "h", port: "5432", database: "d:b", user: "u\\x") == "p:w\\")
        #expect(file.password(host: "*", port: "1", database: "d", user: "u") == "star")
        #expect(file.password(host: "other", port: "1", database: "d", user: "u") == nil)
    }

    @Test
    func aPgpassOpenToOthersIsRefusedWithWhatToDo() throws {
        let home = TemporaryFolder()
        let path = home.write(".pgpass", "*:*:*:*:s3cr3t-pgpass\n")
        chmod(path, 0o644)
        let error = readingError("postgres://u@h/d", home: home.path)
        #expect(error?.category == .invalidInput)
        #expect(error?.message.contains("chmod 600") == true)
        #expect(error?.message.contains("s3cr3t") == false)
        // Not consulted when the URL has the password.
        #expect(try settings("postgres://u:x@h/d", home: home.path).configuration.password == "x")
        chmod(path, 0o600)
        #expect(try settings("postgres://u@h/d", home: home.path).configuration.password == "s3cr3t-pgpass")
    }

    @Test
    func aMissingOrNonRegularPgpassIsIgnoredAsInLibpq() throws {
        #expect(try settings("postgres://u@h/d", ["PGPASSFILE": "/nonexistent/pgpass"]).configuration.password == nil)
        #expect(try settings("postgres://u@h/d", ["PGPASSFILE": "/dev/null"]).configuration.password == nil)
    }

    @Test
    func aFileReferenceReadsThePasswordWithoutItsTrailingNewline() throws {
        let folder = TemporaryFolder()
        let path = folder.write("db-password", "correct horse:battery@staple\n")
        let read = try settings("postgres://u@h/d?password=file:\(path)", ["PGPASSWORD": "not this"])
        #expect(read.configuration.password == "correct horse:battery@staple")
        #expect(read.connectionConfiguration.password == "correct horse:battery@staple")
    }

    @Test
    func aFileReferenceIsRefusedWhenExposedLinkedMissingRelativeOrEmpty() throws {
        let folder = TemporaryFolder()
        let open = folder.write("open", "pw-open\n")
        chmod(open, 0o640)
        let target = folder.write("target", "pw-target\n")
        symlink(target, folder.file("link"))
        let empty = folder.write("empty", "\n")
        for (path, expected) in [
            (open, "open to its group or others"), (folder.file("link"), "symbolic link"), (folder.file("missing"), "does not exist"),
            ("relative/path", "absolute path"), (empty, "is empty"),
        ] {
            let error = readingError("postgres://u@h/d?password=file:\(path)")
            #expect(error?.category == .invalidInput, "\(path)")
            #expect(error?.message.contains(expected) == true, "\(error?.message ?? "no error") for \(path)")
            #expect(error?.message.contains("pw-") == false)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "chown needs root"))
    func aFileReferenceOwnedBySomeoneElseIsRefused() {
        let folder = TemporaryFolder()
        let path = folder.write("theirs", "pw\n")
        chown(path, 65534, 65534)
        #expect(readingError("postgres://u@h/d?password=file:\(path)")?.message.contains("not owned by the user") == true)
    }

    @Test
    func anExposedClientKeyIsRefused() {
        let folder = TemporaryFolder()
        let key = folder.write("client.key", "not a key")
        chmod(key, 0o644)
        let error = readingError("postgres://u@h/d?sslmode=require&sslcert=\(folder.file("client.crt"))&sslkey=\(key)")
        #expect(error?.category == .invalidInput)
        #expect(error?.message.contains("chmod 600") == true)
    }
}
