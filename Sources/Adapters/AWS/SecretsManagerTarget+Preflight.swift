import Foundation
import Rotation

extension SecretsManagerTarget {
    /// Checks, before a rotation creates anything, and writing nothing: that the secret exists
    /// (`DescribeSecret`) and is not scheduled for deletion, and that its current value is a string
    /// keyctl can deploy to (with `json_field`, a JSON object whose field, if present, is a string).
    public func preflight() async throws {
        if let deleted = try await client.describe()["DeletedDate"], !(deleted is NSNull) {
            throw AdapterError(
                .needsOperator, adapter: "target \(name)",
                "secret \(client.secretID) is scheduled for deletion: restore it (`aws secretsmanager restore-secret --secret-id \(client.secretID)`) or point 'secret_id' at a live secret")
        }
        _ = try extract(try await current().value)
    }
}
