@testable import Adapters
import Foundation
import KeyStore
import KeyctlTestSupport
import Rotation
import Testing

/// An IAM access key kept in a JSON secret of Secrets Manager, both fields, against moto: the
/// access key id moves with the secret access key, and the old key is deactivated when configured.
struct IAMKeyInSecretsManagerTests {
    let services: LoopbackServices
    let unique = "iam-\(UUID().uuidString.prefix(8).lowercased())"

    init() throws {
        services = try LoopbackServices.shared()
    }

    func issuer(_ deactivation: IAMKeyDeactivation) throws -> IAMAccessKeyIssuer {
        IAMAccessKeyIssuer(
            name: "iam", user: unique, deactivation: deactivation, endpoint: services.motoURL, credentials: try credentials(), caFile: nil,
            timeoutSeconds: 5, clock: SystemClock())
    }

    var target: SecretsManagerTarget {
        get throws {
            SecretsManagerTarget(
                name: "sm", secretID: unique, field: "aws_secret_access_key", idField: "aws_access_key_id", endpoint: services.motoURL,
                region: "us-east-1", credentials: try credentials(), caFile: nil, timeoutSeconds: 5, clock: SystemClock())
        }
    }

    /// Creates the IAM user with its first key, and the secret holding that key's id and secret.
    func keyInSecret() throws -> (id: String, secret: String) {
        let key = try services.cloud(["iam-user", unique])
        let (id, secret) = (try #require(key["id"] as? String), try #require(key["secret"] as? String))
        let document = try JSONSerialization.data(withJSONObject: ["aws_access_key_id": id, "aws_secret_access_key": secret, "other": "keep"])
        _ = try services.cloud(["sm-create", unique, String(decoding: document, as: UTF8.self)])
        return (id, secret)
    }

    /// The secret's current JSON, and how many versions it has, read with boto3.
    func stored() throws -> (document: [String: String], versions: Int) {
        let state = try services.cloud(["state", unique, "-"])
        let current = try #require(state["current"] as? String)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(current.utf8)) as? [String: String])
        return (document, (state["stages"] as? [String: Any])?.count ?? 0)
    }

    @Test func theAccessKeyIDIsDeployedWithTheSecretAndRestoredWithIt() async throws {
        let old = try keyInSecret()
        let snapshot = try #require(try await target.snapshot())
        let request = CredentialRequest(name: KeyName("deployer")!, env: EnvironmentName("prod")!, scopes: ["*"], idempotencyKey: "rotation-\(unique)")
        let issued = try await issuer(.atVerify).create(request)
        let newID = try #require(issued.issuerRef)

        try await target.deploy(issued.secret, issuerRef: newID)
        try await target.deploy(issued.secret, issuerRef: newID)
        let deployed = try stored()
        #expect(deployed.document["aws_access_key_id"] == newID)
        #expect(deployed.document["aws_secret_access_key"] == issued.secret.revealText())
        #expect(deployed.document["other"] == "keep")
        #expect(deployed.versions == 2, "a resumed deploy adds no version")

        try await target.restore(snapshot, issuerRef: old.id)
        #expect(try stored().document == ["aws_access_key_id": old.id, "aws_secret_access_key": old.secret, "other": "keep"])
    }

    @Test func aRestoreThatCannotMoveBackToAWSPREVIOUSStillPutsTheOldIDBack() async throws {
        let old = try keyInSecret()
        let snapshot = try #require(try await target.snapshot())
        try await target.deploy(try Secret(reading: "first-new-secret-access-key"), issuerRef: "AKIAFIRSTNEWKEY00001")
        // A second deploy moves AWSPREVIOUS off the original version.
        try await target.deploy(try Secret(reading: "second-new-secret-access-key"), issuerRef: "AKIASECONDNEWKEY0002")
        try await target.restore(snapshot, issuerRef: old.id)
        let restored = try stored().document
        #expect(restored == ["aws_access_key_id": old.id, "aws_secret_access_key": old.secret, "other": "keep"])
    }

    @Test func withoutTheIssuersIDTheDeployIsRefusedAndNothingIsWritten() async throws {
        let old = try keyInSecret()
        let error = await #expect(throws: AdapterError.self) { try await target.deploy(try Secret(reading: "a-new-secret-access-key")) }
        #expect(error?.kind == .needsOperator)
        #expect(error?.message.contains("'id_field' (aws_access_key_id) is set but the issuer gave the new key no id") == true, "\(error?.description ?? "")")
        #expect(try stored().document["aws_secret_access_key"] == old.secret)
        #expect(try stored().versions == 1)
    }

    @Test(arguments: IAMKeyDeactivation.allCases)
    func theOldKeyIsMadeInactiveOnlyAtVerify(deactivation: IAMKeyDeactivation) async throws {
        let old = try keyInSecret()
        let reference = CredentialReference(issuerRef: old.id, fingerprint: nil)
        try await issuer(deactivation).deactivate(reference)
        #expect(try status(of: old.id) == (deactivation == .atVerify ? "Inactive" : "Active"))
        try await issuer(deactivation).reactivate(reference)
        #expect(try status(of: old.id) == "Active")
    }

    func status(of id: String) throws -> String? {
        let keys = try services.cloud(["state", "-", unique])["keys"] as? [[String: String]] ?? []
        return keys.first { $0["id"] == id }?["status"]
    }

    func credentials() throws -> AWSCredentials {
        AWSCredentials(accessKeyID: "testing", secretAccessKey: try Secret(reading: "testing"))
    }
}
