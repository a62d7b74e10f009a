import Adapters
import Foundation
import KeyStore
import Rotation
import KeyctlTestSupport
import Testing

/// AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE, 2015-08-30T12:36:00Z,
/// us-east-1, service "service"), and the S3 documentation's signed GET Object example.
struct SigV4SignerTests {
    static let suiteSigner = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: try! Secret(reading: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")),
        region: "us-east-1", service: "service")
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    @Test(arguments: [
        ("get-vanilla", "GET", "https://example.amazonaws.com/", [(String, String)](), "", "host;x-amz-date",
         "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", [], "", "host;x-amz-date",
         "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"),
        ("post-vanilla", "POST", "https://example.amazonaws.com/", [], "", "host;x-amz-date",
         "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
        ("post-x-www-form-urlencoded", "POST", "https://example.amazonaws.com/", [("Content-Type", "application/x-www-form-urlencoded")], "Param1=value1",
         "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"),
    ])
    func signsTheTestSuiteAsAWSDoes(name: String, method: String, url: String, headers: [(String, String)], body: String, signedHeaders: String, signature: String) throws {
        let added = Self.suiteSigner.sign(method: method, url: try #require(URL(string: url)), headers: headers, body: Array(body.utf8), at: Self.suiteDate)
        let authorization = added.first { $0.0 == "authorization" }?.1
        #expect(
            authorization == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=\(signedHeaders), Signature=\(signature)",
            "\(name)")
        #expect(added.contains { $0 == ("x-amz-date", "20150830T123600Z") })
        #expect(added.contains { $0 == ("host", "example.amazonaws.com") })
    }

    @Test func signsS3sDocumentedGetObject() throws {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: try Secret(reading: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            region: "us-east-1", service: "s3")
        let added = signer.sign(
            method: "GET", url: try #require(URL(string: "https://examplebucket.s3.amazonaws.com/test.txt")),
            headers: [("Range", "bytes=0-9"), ("x-amz-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")],
            body: [], at: Date(timeIntervalSince1970: 1_369_353_600))
        let authorization = try #require(added.first { $0.0 == "authorization" }?.1)
        #expect(authorization.hasSuffix("SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"))
    }

    @Test func temporaryCredentialsSendTheirSessionTokenSigned() throws {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: "ASIAEXAMPLE", secretAccessKey: try Secret(reading: "secret"), sessionToken: try Secret(reading: "token-1")),
            region: "eu-west-1", service: "secretsmanager")
        let added = signer.sign(method: "POST", url: try #require(URL(string: "http://127.0.0.1:4566/")), headers: [], body: [], at: Self.suiteDate)
        #expect(added.contains { $0 == ("x-amz-security-token", "token-1") })
        #expect(added.contains { $0 == ("host", "127.0.0.1:4566") })
        #expect(added.first { $0.0 == "authorization" }?.1.contains("SignedHeaders=host;x-amz-date;x-amz-security-token") == true)
    }

    @Test func credentialsComeFromTheEnvironmentOrTheSharedFileProfile() throws {
        let folder = TemporaryFolder()
        let file = folder.write("credentials", "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n\n[ops]\naws_access_key_id=AKIAOPS\naws_secret_access_key=o\naws_session_token = t\n")
        let fromEnvironment = try AWSCredentials.load(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SHARED_CREDENTIALS_FILE": file], profile: nil, adapter: "t")
        #expect(fromEnvironment.accessKeyID == "AKIAENV")
        let fromProfile = try AWSCredentials.load(environment: ["AWS_SHARED_CREDENTIALS_FILE": file, "AWS_PROFILE": "ops"], profile: nil, adapter: "t")
        #expect(fromProfile.accessKeyID == "AKIAOPS")
        #expect(fromProfile.sessionToken?.revealText() == "t")
        let named = try AWSCredentials.load(environment: ["AWS_ACCESS_KEY_ID": "AKIAENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SHARED_CREDENTIALS_FILE": file], profile: "default", adapter: "t")
        #expect(named.accessKeyID == "AKIADEFAULT")
        #expect(throws: AdapterError.self) { try AWSCredentials.load(environment: ["AWS_SHARED_CREDENTIALS_FILE": file], profile: "missing", adapter: "t") }
    }
}
