extension KeyChanges {
    /// Applies the changes to `key` and returns what the `key.update` audit event records of them:
    /// each changed field with its new value (`(removed)` for a label taken off, `(policy)` for a
    /// per-key max age cleared). The same in every store.
    public func apply(to key: inout KeyRecord) -> AuditDetails {
        var details = AuditDetails()
        if let scopes {
            key.scopes = scopes
            details["scopes"] = scopes.description
        }
        if let owner {
            key.owner = owner
            details["owner"] = owner
        }
        if let description {
            key.description = description
            details["description"] = description
        }
        for (label, value) in setLabels {
            key.labels[label] = value
            details["label." + label] = value
        }
        for label in removeLabels {
            key.labels[label] = nil
            details["label." + label] = "(removed)"
        }
        if let maxAge {
            key.maxAge = maxAge
            details["max_age"] = maxAge.description
        } else if clearMaxAge {
            key.maxAge = nil
            details["max_age"] = "(policy)"
        }
        if let rotatedAt {
            key.rotatedAt = rotatedAt
            details["rotated_at"] = Timestamp.format(rotatedAt)
        }
        return details
    }
}
