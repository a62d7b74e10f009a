import KeyStore

extension Doctor {
    static let sharedSecretCheck = DoctorCheck.Definition(id: "shared-secret", title: "no secret is shared between two keys or two environments")

    /// The registry refuses a fingerprint twice, so sharing shows where secrets are deployed: each
    /// env-file target's value is fingerprinted and compared with the other keys' values and with
    /// the registered fingerprints of other keys. Sharing fails; a target that cannot be read warns.
    func sharedSecrets(_ slots: [EnvFileSlot]) async -> DoctorCheck {
        let check = Self.sharedSecretCheck
        guard let registry else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard configuration != nil else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        var holders: [Fingerprint: [EnvFileSlot]] = [:]
        var unreadable: [String] = []
        var shared: [String] = []
        var compared = 0
        for slot in slots {
            switch slot.read() {
            case .missing, .unset: continue
            case .unreadable(let why): unreadable.append(why)
            case .value(let secret):
                compared += 1
                let fingerprint = secret.fingerprint
                holders[fingerprint, default: []].append(slot)
                do {
                    if let owner = try await registry.identify(fingerprint), owner.key.name != slot.key.name || owner.key.env != slot.key.env {
                        shared.append("\(slot.variable) in \(slot.path) (target of \(slot.key.slot)) holds a secret of \(owner.key.slot)")
                    }
                } catch {
                    unreadable.append("cannot look up \(slot.path) in the registry: \(error)")
                }
            }
        }
        for group in holders.values {
            let keys = Set(group.map(\.key.slot)).sorted()
            guard keys.count > 1 else { continue }
            shared.append("\(keys.joined(separator: " and ")) hold the same secret (\(group.map { "\($0.variable) in \($0.path)" }.joined(separator: ", ")))")
        }
        if !shared.isEmpty {
            return check.fail(
                "\(counted(shared.count, "shared secret")): \(listed(shared.sorted(), limit: 3))",
                fix: "give each key and environment its own secret: keyctl rotate NAME --env ENV for each key sharing one")
        }
        if let first = unreadable.first {
            return check.warn("\(counted(unreadable.count, "env file")) not compared: \(first)", fix: "make the env files readable by the user running keyctl")
        }
        return check.pass("\(counted(compared, "deployed secret")) in env-file targets, each held by one key only")
    }
}
