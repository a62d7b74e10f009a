import Foundation
import KeyStore
import KeyctlTestSupport
import PostgresNIO
import Testing
@testable import PostgresStore

/// Settings read from `url` with `environment`, and a home folder holding nothing.
func settings(_ url: String, _ environment: [String: String] = [:], home: String = "/nonexistent") throws(KeyStoreError) -> PostgresConnectionSettings {
    try PostgresConnectionSettings(url: url, environment: environment, homeDirectory: home)
}

/// The `invalidInput` error reading `url` throws, or nil when it reads.
func readingError(_ url: String, _ environment: [String: String] = [:], home: String = "/nonexistent") -> KeyStoreError? {
    do {
        _ = try settings(url, environment, home: home)
        return nil
    } catch {
        return error
    }
}

struct PostgresURLTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var url: String
        var environment: [String: String] = [:]
        var host: String?
        var socket: String? = nil
        var port: Int? = 5432
        var user: String
        var password: String?
        var database: String
        var mode: PostgresSSLMode = .prefer
        var displayName: String
        var testDescription: String { url }
    }

    static let cases: [Case] = [
        Case(
            url: "postgres://alice:s3cret@db.example.com:6543/keys", host: "db.example.com", port: 6543, user: "alice", password: "s3cret",
            database: "keys", displayName: "postgres://alice@db.example.com:6543/keys"),
        Case(
            url: "postgresql://bob@[::1]/registry?sslmode=disable", host: "::1", user: "bob", database: "registry", mode: .disable,
            displayName: "postgres://bob@[::1]:5432/registry"),
        Case(
            url: "postgres://[2001:db8::7]:7000", environment: ["PGUSER": "carol"], host: "2001:db8::7", port: 7000, user: "carol",
            database: "carol", displayName: "postgres://carol@[2001:db8::7]:7000/carol"),
        Case(
            url: "postgres://al%40ice:p%2Fw%3A%40%25@h/d%20b", host: "h", user: "al@ice", password: "p/w:@%", database: "d b",
            displayName: "postgres://al@ice@h:5432/d b"),
        Case(
            url: "postgres://u@h/d?dbname=x&port=7001&user=v&sslmode=require", host: "h", port: 7001, user: "v", database: "x",
            mode: .require, displayName: "postgres://v@h:7001/x"),
        Case(
            url: "postgres://h", environment: ["PGUSER": "dave", "PGDATABASE": "regs", "PGPORT": "6000", "PGSSLMODE": "allow"],
            host: "h", port: 6000, user: "dave", database: "regs", mode: .allow, displayName: "postgres://dave@h:6000/regs"),
        Case(
            url: "postgres://u:pw@h/d?sslmode=disable", environment: ["PGSSLMODE": "require", "PGHOST": "other"], host: "h", user: "u",
            password: "pw", database: "d", mode: .disable, displayName: "postgres://u@h:5432/d"),
        Case(
            url: "postgres://u@/d", host: nil, socket: "/var/run/postgresql/.s.PGSQL.5432", port: nil, user: "u", database: "d",
            mode: .disable, displayName: "postgres://u@/d?host=/var/run/postgresql&port=5432"),
        Case(
            url: "postgres://u@h/d?host=/tmp/pg&port=5433", host: nil, socket: "/tmp/pg/.s.PGSQL.5433", port: nil, user: "u", database: "d",
            mode: .disable, displayName: "postgres://u@/d?host=/tmp/pg&port=5433"),
        Case(
            url: "postgres://u@db.internal/d?hostaddr=10.0.0.5", host: "10.0.0.5", user: "u", database: "d",
            displayName: "postgres://u@db.internal:5432/d"),
        Case(
            url: "postgres://u:@h/d", host: "h", user: "u", password: nil, database: "d", displayName: "postgres://u@h:5432/d"),
    ]

    @Test(arguments: cases)
    func readsTheURLAsLibpqDoes(_ test: Case) throws {
        let read = try settings(test.url, test.environment)
        #expect(read.configuration.host == test.host)
        #expect(read.configuration.unixSocketPath == test.socket)
        #expect(read.configuration.port == test.port)
        #expect(read.configuration.username == test.user)
        #expect(read.configuration.password == test.password)
        #expect(read.configuration.database == test.database)
        #expect(read.sslMode == test.mode)
        #expect(read.displayName == test.displayName)
        #expect(read.connectionConfiguration.username == test.user)
        #expect(read.connectionConfiguration.password == test.password)
    }

    @Test
    func hostaddrConnectsThereAndChecksTheCertificateAgainstTheHostName() throws {
        let read = try settings("postgres://u@db.internal/d?hostaddr=10.0.0.5&sslmode=require")
        #expect(read.configuration.options.tlsServerName == "db.internal")
        #expect(read.connectionConfiguration.options.tlsServerName == "db.internal")
        #expect(read.connectionConfiguration.host == "10.0.0.5")
    }

    @Test
    func connectTimeoutAndApplicationNameFollowLibpq() throws {
        #expect(try settings("postgres://u@h/d?connect_timeout=5").configuration.options.connectTimeout == .seconds(5))
        #expect(try settings("postgres://u@h/d?connect_timeout=1").configuration.options.connectTimeout == .seconds(2))
        #expect(try settings("postgres://u@h/d", ["PGCONNECT_TIMEOUT": "7"]).configuration.options.connectTimeout == .seconds(7))
        #expect(try settings("postgres://u@h/d").configuration.options.connectTimeout == .seconds(10))
        #expect(try settings("postgres://u@h/d").configuration.options.additionalStartupParameters.map(\.1) == ["keyctl"])
        let named = try settings("postgres://u@h/d?application_name=nightly%20report")
        #expect(named.configuration.options.additionalStartupParameters.first?.0 == "application_name")
        #expect(named.configuration.options.additionalStartupParameters.first?.1 == "nightly report")
    }

    @Test(arguments: [
        "mysql://u@h/d",
        "postgres:/u@h/d",
        "postgres://u@h:99999/d",
        "postgres://u@h:0/d",
        "postgres://u@h:abc/d",
        "postgres://u@[::1/d",
        "postgres://u@[::1]x/d",
        "postgres://u@h/d?sslmode=bogus",
        "postgres://u@h/d?sslmode=VERIFY-FULL",
        "postgres://u@h/d?nope=1",
        "postgres://u@h/d?sslmode",
        "postgres://u@h/%zz",
        "postgres://u@h/d%0",
        "postgres://u@h/d%00",
        "postgres://u@h/%ff",
        "postgres://u@h/d?connect_timeout=soon",
        "postgres://u@h/d?sslmode=verify-ca&sslrootcert=/nonexistent/ca.pem",
        "postgres://u@h/d?sslcert=/nonexistent/client.crt",
    ])
    func refusesAMalformedURLAsBadInput(_ url: String) {
        let error = readingError(url)
        #expect(error?.category == .invalidInput)
        #expect(error?.message.contains("\n") == false)
    }

    @Test
    func verifyModesWithoutACAFileSayWhereTheyLooked() throws {
        let home = TemporaryFolder()
        let error = readingError("postgres://u@h/d?sslmode=verify-full", home: home.path)
        #expect(error?.category == .invalidInput)
        #expect(error?.message.contains("\(home.path)/.postgresql/root.crt") == true)
        #expect(try settings("postgres://u@h/d?sslmode=verify-full&sslrootcert=system").sslMode == .verifyFull)
    }

    @Test
    func requireWithARootCAFileChecksTheCAAsLibpqDoes() throws {
        let home = TemporaryFolder()
        #expect(try settings("postgres://u@h/d?sslmode=require", home: home.path).sslMode == .require)
        try FileManager.default.createDirectory(atPath: home.file(".postgresql"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Self.sampleCA(in: home), toPath: home.file(".postgresql/root.crt"))
        #expect(try settings("postgres://u@h/d?sslmode=require", home: home.path).sslMode == .verifyCA)
        #expect(try settings("postgres://u@h/d?sslmode=verify-full", home: home.path).sslMode == .verifyFull)
    }

    @Test
    func recognisesBothSchemes() {
        #expect(PostgresConnectionSettings.isPostgresURL("postgres://h"))
        #expect(PostgresConnectionSettings.isPostgresURL("postgresql://h"))
        #expect(!PostgresConnectionSettings.isPostgresURL("registry.db"))
        #expect(!PostgresConnectionSettings.isPostgresURL("/var/lib/keyctl/postgres://x"))
    }

    /// A self-signed certificate written into `folder` with openssl.
    static func sampleCA(in folder: TemporaryFolder) throws -> String {
        let path = folder.file("sample-ca.crt")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=sample",
            "-days", "1", "-keyout", folder.file("sample-ca.key"), "-out", path,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return path
    }
}
