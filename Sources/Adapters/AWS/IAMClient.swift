import Foundation
import Rotation

/// The IAM actions keyctl uses, over the AWS Query protocol (form-encoded POST, XML answers).
struct IAMClient: Sendable {
    let endpoint: AWSEndpoint
    let user: String

    struct AccessKey: Equatable {
        let id: String
        let active: Bool
    }

    func accessKeys() async throws -> [AccessKey] {
        let xml = try await perform("ListAccessKeys", [:])
        let ids = XMLText.values(of: "AccessKeyId", in: xml)
        let statuses = XMLText.values(of: "Status", in: xml)
        guard ids.count == statuses.count else {
            throw AdapterError(.retryable, adapter: endpoint.adapter, "ListAccessKeys answered a list keyctl cannot read")
        }
        return zip(ids, statuses).map { AccessKey(id: $0, active: $1 == "Active") }
    }

    /// The new key's id and secret access key.
    func createAccessKey() async throws -> (id: String, secret: String) {
        let xml = try await perform("CreateAccessKey", [:])
        guard let id = XMLText.values(of: "AccessKeyId", in: xml).first, let secret = XMLText.values(of: "SecretAccessKey", in: xml).first else {
            throw AdapterError(.retryable, adapter: endpoint.adapter, "CreateAccessKey answered without AccessKeyId and SecretAccessKey")
        }
        return (id, secret)
    }

    func setStatus(_ id: String, active: Bool) async throws {
        _ = try await perform("UpdateAccessKey", ["AccessKeyId": id, "Status": active ? "Active" : "Inactive"])
    }

    /// Deletes the key; a key that is already gone is not an error.
    func deleteAccessKey(_ id: String) async throws {
        _ = try await perform("DeleteAccessKey", ["AccessKeyId": id], ignoring: "NoSuchEntity")
    }

    func tags() async throws -> [String: String] {
        let xml = try await perform("ListUserTags", [:])
        return Dictionary(zip(XMLText.values(of: "Key", in: xml), XMLText.values(of: "Value", in: xml))) { $1 }
    }

    func tag(_ key: String, _ value: String) async throws {
        _ = try await perform("TagUser", ["Tags.member.1.Key": key, "Tags.member.1.Value": value])
    }

    func untag(_ key: String) async throws {
        _ = try await perform("UntagUser", ["TagKeys.member.1": key])
    }

    private func perform(_ action: String, _ parameters: [String: String], ignoring ignoredCode: String? = nil) async throws -> String {
        let form = (["Action": action, "Version": "2010-05-08", "UserName": user].merging(parameters) { $1 })
            .sorted { $0.key < $1.key }
            .map { "\(SigV4Signer.encode($0.key))=\(SigV4Signer.encode($0.value))" }
            .joined(separator: "&")
        let answer = try await endpoint.post(headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")], body: Array(form.utf8))
        let xml = String(decoding: answer.body, as: UTF8.self)
        if answer.isSuccess { return xml }
        let code = XMLText.values(of: "Code", in: xml).first
        if let code, code == ignoredCode { return "" }
        if code == "NoSuchEntity" {
            throw AdapterError(.needsOperator, adapter: endpoint.adapter, "\(action): IAM user \(user) does not exist")
        }
        throw endpoint.failure(answer, code: code, message: XMLText.values(of: "Message", in: xml).first)
    }
}

/// Reads the text of simple elements (`<AccessKeyId>AKIA...</AccessKeyId>`) out of an AWS Query
/// answer, in document order. The answers keyctl reads are flat enough that no XML parser is needed.
enum XMLText {
    static func values(of element: String, in xml: String) -> [String] {
        var values: [String] = []
        var rest = Substring(xml)
        let open = "<\(element)>", close = "</\(element)>"
        while let start = rest.range(of: open), let end = rest.range(of: close, range: start.upperBound..<rest.endIndex) {
            values.append(unescape(String(rest[start.upperBound..<end.lowerBound])))
            rest = rest[end.upperBound...]
        }
        return values
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
