import Foundation
import KeyStore
import Rotation

/// Issues IAM access keys for one user: the secret access key is the secret, the access key id
/// the issuer's id. IAM allows two keys per user, so a rotation creates the second, and the old one
/// is deleted after the grace period. With `deactivation` `.atVerify` the old key is made inactive
/// once the new one is verified (and active again if the rotation is aborted); with `.atDelete` it
/// stays active until it is deleted. A user that already has two keys is refused.
///
/// IAM has no idempotent create. Before creating, keyctl tags the user `keyctl-rotation` with the
/// rotation's idempotency key and the ids of the keys that existed; a create retried after a crash
/// (or an abort) finds the key the lost attempt made, whose secret nobody ever saw, and deletes it.
public struct IAMAccessKeyIssuer: CredentialIssuer {
    let client: IAMClient
    let deactivation: IAMKeyDeactivation
    static let markerTag = "keyctl-rotation"

    public init(
        name: String, user: String, deactivation: IAMKeyDeactivation, endpoint: String, credentials: AWSCredentials, caFile: String?,
        timeoutSeconds: Int64, clock: any WallClock
    ) {
        self.deactivation = deactivation
        let call = HTTPCall(adapter: "issuer \(name)", timeoutSeconds: timeoutSeconds, caFile: caFile)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "iam")
        client = IAMClient(endpoint: AWSEndpoint(call: call, url: endpoint, signer: signer, clock: clock), user: user)
    }

    private var adapter: String { client.endpoint.adapter }

    /// What the marker tag says: which create it is about and the keys that existed before it.
    struct Marker: Equatable {
        let idempotencyKey: String
        let keysBefore: [String]

        init(idempotencyKey: String, keysBefore: [String]) {
            self.idempotencyKey = idempotencyKey
            self.keysBefore = keysBefore
        }

        init?(_ value: String?) {
            guard let parts = value?.split(separator: " ").map(String.init), let first = parts.first else { return nil }
            self.init(idempotencyKey: first, keysBefore: Array(parts.dropFirst()))
        }

        var value: String { ([idempotencyKey] + keysBefore).joined(separator: " ") }
    }

    public func create(_ request: CredentialRequest) async throws -> IssuedCredential {
        var keys = try await client.accessKeys()
        if let marker = Marker(try await client.tags()[Self.markerTag]), marker.idempotencyKey == request.idempotencyKey {
            for key in keys where !marker.keysBefore.contains(key.id) {
                try await client.deleteAccessKey(key.id)
            }
            keys.removeAll { !marker.keysBefore.contains($0.id) }
        }
        guard keys.count < 2 else {
            throw AdapterError(
                .needsOperator, adapter: adapter,
                "IAM user \(client.user) already has two access keys (\(keys.map(\.id).joined(separator: ", "))) and IAM allows two: delete the one no application uses, then resume")
        }
        try await client.tag(Self.markerTag, Marker(idempotencyKey: request.idempotencyKey, keysBefore: keys.map(\.id)).value)
        let created = try await client.createAccessKey()
        return IssuedCredential(secret: try Secret(bytes: Array(created.secret.utf8)), issuerRef: created.id)
    }

    public func delete(_ credential: CredentialReference) async throws {
        if credential.issuerRef == nil, credential.fingerprint == nil, let idempotencyKey = credential.idempotencyKey {
            // An interrupted create: delete what it made, if it made anything.
            guard let marker = Marker(try await client.tags()[Self.markerTag]), marker.idempotencyKey == idempotencyKey else { return }
            for key in try await client.accessKeys() where !marker.keysBefore.contains(key.id) {
                try await client.deleteAccessKey(key.id)
            }
            return
        }
        try await client.deleteAccessKey(try await accessKeyID(of: credential))
    }

    /// Makes the old key inactive; does nothing under `.atDelete`.
    public func deactivate(_ credential: CredentialReference) async throws {
        guard deactivation == .atVerify else { return }
        try await client.setStatus(try await accessKeyID(of: credential), active: false)
    }

    /// Makes the old key active again, whatever `deactivation` is now (it may have been changed
    /// while the rotation was in flight); a key that is already active stays so.
    public func reactivate(_ credential: CredentialReference) async throws {
        let id = try await accessKeyID(of: credential)
        if try await client.accessKeys().contains(where: { $0.id == id }) {
            try await client.setStatus(id, active: true)
        }
    }

    /// The registered access key id; for a key registered without one (`keyctl add` without
    /// `--issuer-ref`), the one key the user had before keyctl created the new one.
    private func accessKeyID(of credential: CredentialReference) async throws -> String {
        if let id = credential.issuerRef { return id }
        if let marker = Marker(try await client.tags()[Self.markerTag]), marker.keysBefore.count == 1 {
            return marker.keysBefore[0]
        }
        throw AdapterError(
            .needsOperator, adapter: adapter,
            "the old key's access key id is not registered and IAM user \(client.user) does not say which it is: register keys with `keyctl add --issuer-ref AKIA...`")
    }
}
