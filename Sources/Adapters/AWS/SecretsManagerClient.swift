import Foundation
import Rotation

/// The Secrets Manager actions keyctl uses, over the AWS JSON 1.1 protocol.
struct SecretsManagerClient: Sendable {
    let endpoint: AWSEndpoint
    let secretID: String

    /// One version of the secret: its id, its stages and its string value.
    struct Version {
        let id: String
        let value: String
    }

    /// The version holding `stage` (or the version `versionID`); nil when the secret does not exist.
    func value(stage: String? = nil, versionID: String? = nil) async throws -> Version? {
        var request: [String: Any] = ["SecretId": secretID]
        request["VersionStage"] = stage
        request["VersionId"] = versionID
        guard let answer = try await perform("GetSecretValue", request, allowNotFound: true) else { return nil }
        guard let id = answer["VersionId"] as? String else {
            throw AdapterError(.retryable, adapter: endpoint.adapter, "GetSecretValue answered without a VersionId")
        }
        guard let value = answer["SecretString"] as? String else {
            throw AdapterError(.needsOperator, adapter: endpoint.adapter, "secret \(secretID) holds binary data, not a string: keyctl cannot deploy to it")
        }
        return Version(id: id, value: value)
    }

    /// `DescribeSecret`'s answer: the secret's metadata, such as `VersionIdsToStages` and, once the
    /// secret is scheduled for deletion, `DeletedDate`. Throws when the secret does not exist.
    func describe() async throws -> [String: Any] {
        try await perform("DescribeSecret", ["SecretId": secretID], allowNotFound: false) ?? [:]
    }

    /// Every version id with its staging labels.
    func stages() async throws -> [String: [String]] {
        try await describe()["VersionIdsToStages"] as? [String: [String]] ?? [:]
    }

    /// Adds a version carrying `stages`; the same `token` with the same value is the same version.
    func put(_ value: String, token: String, stages: [String]) async throws -> String {
        let answer = try await perform(
            "PutSecretValue", ["SecretId": secretID, "SecretString": value, "ClientRequestToken": token, "VersionStages": stages], allowNotFound: false)
        guard let id = answer?["VersionId"] as? String else {
            throw AdapterError(.retryable, adapter: endpoint.adapter, "PutSecretValue answered without a VersionId")
        }
        return id
    }

    /// Moves `stage` to `moveTo` (from `removeFrom`), or only removes it when `moveTo` is nil.
    /// Moving AWSCURRENT makes Secrets Manager put AWSPREVIOUS on the version it left.
    func moveStage(_ stage: String, to moveTo: String?, from removeFrom: String?) async throws {
        var request: [String: Any] = ["SecretId": secretID, "VersionStage": stage]
        request["MoveToVersionId"] = moveTo
        request["RemoveFromVersionId"] = removeFrom
        _ = try await perform("UpdateSecretVersionStage", request, allowNotFound: false)
    }

    private func perform(_ action: String, _ request: [String: Any], allowNotFound: Bool) async throws -> [String: Any]? {
        let body = Array(try JSONSerialization.data(withJSONObject: request))
        let answer = try await endpoint.post(
            headers: [("content-type", "application/x-amz-json-1.1"), ("x-amz-target", "secretsmanager.\(action)")], body: body)
        if answer.isSuccess { return try answer.jsonObject(adapter: endpoint.adapter) }
        let error = (try? JSONSerialization.jsonObject(with: Data(answer.body))) as? [String: Any]
        // `__type` is either `ResourceNotFoundException` or `namespace#ResourceNotFoundException`.
        let code = (error?["__type"] as? String)?.split(separator: "#").last.map(String.init)
        if code == "ResourceNotFoundException" {
            if allowNotFound { return nil }
            throw AdapterError(.needsOperator, adapter: endpoint.adapter, "secret \(secretID) does not exist in this region: create it first (keyctl does not create secrets)")
        }
        throw endpoint.failure(answer, code: code, message: (error?["message"] ?? error?["Message"]) as? String)
    }
}
