import Foundation
import KeyStore
import KeyctlConfig

extension KeyRecord {
    /// `name@env`, as keyctl.toml and the doctor's results name a key.
    var slot: String { "\(name)@\(env)" }
}

extension Doctor {
    static let keyOwnershipCheck = DoctorCheck.Definition(id: "key-ownership", title: "every key has an owner, scopes and a rotation period")
    static let wildcardCheck = DoctorCheck.Definition(id: "wildcard-scope", title: "no key has the * scope unless keyctl.toml allows it")
    static let keyHealthCheck = DoctorCheck.Definition(id: "key-health", title: "no key is overdue or compromised")
    static let rotationSetupCheck = DoctorCheck.Definition(id: "rotation-setup", title: "every key set up for rotation has an issuer, a target and a verifier")
    static let recentVerifyCheck = DoctorCheck.Definition(id: "recent-verify", title: "every key with a verifier passed `keyctl verify` recently")

    /// Scopes are never empty and a rotation period always applies (the key's own, else its
    /// environment's, else the default), so what can be missing is the owner: a warning.
    func keyOwnership(_ keys: Result<[KeyRecord], DoctorProblem>) -> DoctorCheck {
        let check = Self.keyOwnershipCheck
        guard case .success(let keys) = keys else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        let orphans = keys.filter { ($0.owner ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
        guard let first = orphans.first else {
            return check.pass("\(counted(keys.count, "key")): each has an owner and scopes; a rotation period always applies (the key's own, else the policy's)")
        }
        return check.warn(
            "\(counted(orphans.count, "key")) without an owner, so no one is asked to rotate it or told when it leaks: \(listed(orphans.map(\.slot)))",
            fix: "keyctl update \(first.name) --env \(first.env) --owner TEAM (for each)")
    }

    /// A key with the `*` scope outside `[policy] wildcard_allowed` fails.
    func wildcardScopes(_ keys: Result<[KeyRecord], DoctorProblem>) -> DoctorCheck {
        let check = Self.wildcardCheck
        guard case .success(let keys) = keys else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        let wildcards = keys.filter { $0.scopes.scopes.contains { $0.rawValue == "*" } }
        let unexpected = wildcards.filter { !configuration.allowsWildcard($0.name, in: $0.env) }
        guard let first = unexpected.first else {
            let allowed = wildcards.isEmpty ? "no key has the * scope" : "\(counted(wildcards.count, "key")) with * allowed by [policy] wildcard_allowed"
            return check.pass(allowed)
        }
        return check.fail(
            "\(counted(unexpected.count, "key")) can do everything (scope *) without being allowed: \(listed(unexpected.map(\.slot)))",
            fix: "keyctl update \(first.name) --env \(first.env) --scopes RESOURCE:ACTION,..., or allow it: [policy] wildcard_allowed = [\"\(first.slot)\"]")
    }

    /// Overdue or compromised fails; due within the warning window warns.
    func keyHealth(_ keys: Result<[KeyRecord], DoctorProblem>) -> DoctorCheck {
        let check = Self.keyHealthCheck
        guard case .success(let keys) = keys else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        let now = subject.clock.now()
        var compromised: [KeyRecord] = [], overdue: [KeyRecord] = [], due: [KeyRecord] = []
        for key in keys {
            let flags = KeyAssessment(key: key, policies: configuration.policies, asOf: now).flags
            if flags.contains(.compromised) { compromised.append(key) }
            if flags.contains(.overdue) { overdue.append(key) }
            if flags.contains(.due) { due.append(key) }
        }
        if let first = compromised.first {
            let alsoOverdue = overdue.isEmpty ? "" : "; \(counted(overdue.count, "key")) overdue: \(listed(overdue.map(\.slot)))"
            return check.fail(
                "\(counted(compromised.count, "key")) compromised and not rotated yet: \(listed(compromised.map(\.slot)))\(alsoOverdue)",
                fix: "keyctl rotate \(first.name) --env \(first.env) --emergency")
        }
        if let first = overdue.first {
            return check.fail(
                "\(counted(overdue.count, "key")) past their rotation period: \(listed(overdue.map(\.slot)))",
                fix: "keyctl rotate --overdue (or keyctl rotate \(first.name) --env \(first.env))")
        }
        if let first = due.first {
            return check.warn(
                "\(counted(due.count, "key")) due for rotation within the warning window: \(listed(due.map(\.slot)))",
                fix: "keyctl rotate \(first.name) --env \(first.env) before it is overdue")
        }
        return check.pass("\(counted(keys.count, "key")): none due, overdue or compromised")
    }

    /// A key whose binding in keyctl.toml names any adapter is set up for rotation. No issuer or no
    /// target fails (the rotation cannot run); no verifier warns (it runs unverified, and
    /// `keyctl verify` cannot check it). Keys with no binding at all are rotated by hand: passed.
    func rotationSetup(_ keys: Result<[KeyRecord], DoctorProblem>) -> DoctorCheck {
        let check = Self.rotationSetupCheck
        guard case .success(let keys) = keys else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        var broken: [String] = [], unverified: [String] = []
        var rotatable = 0
        var firstBroken: KeyRecord?, firstUnverified: KeyRecord?
        for key in keys {
            let binding = configuration.binding(for: key.name, in: key.env)
            let hasTargets = !(binding.targets ?? []).isEmpty
            guard binding.issuer != nil || hasTargets || binding.verifier != nil else { continue }
            rotatable += 1
            var missing: [String] = []
            if binding.issuer == nil { missing.append("issuer") }
            if !hasTargets { missing.append("target") }
            if !missing.isEmpty {
                broken.append("\(key.slot) (no \(missing.joined(separator: ", no ")))")
                firstBroken = firstBroken ?? key
            } else if binding.verifier == nil {
                unverified.append(key.slot)
                firstUnverified = firstUnverified ?? key
            }
        }
        if let key = firstBroken {
            return check.fail(
                "\(counted(broken.count, "key")) cannot rotate: \(listed(broken))",
                fix: "set issuer and targets in [keys.\(key.name)] or [keys.\"\(key.slot)\"] of keyctl.toml")
        }
        if let key = firstUnverified {
            return check.warn(
                "\(counted(unverified.count, "key")) rotate without a verifier, so a new secret is never checked before the old one is deleted: \(listed(unverified))",
                fix: "set verifier in [keys.\(key.name)] (or [rotation]) of keyctl.toml")
        }
        return check.pass(rotatable == 0 ? "no key is set up for rotation in keyctl.toml" : "\(counted(rotatable, "key")) set up with an issuer, a target and a verifier")
    }

    /// For keys with a verifier: a failed last verification fails; never verified, or not within
    /// `verificationWindow`, warns.
    func recentVerification(_ keys: Result<[KeyRecord], DoctorProblem>) -> DoctorCheck {
        let check = Self.recentVerifyCheck
        guard case .success(let keys) = keys else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        guard let configuration else { return check.notChecked(configurationProblem, fix: Self.fixConfiguration) }
        let now = subject.clock.now()
        let window = TimeInterval(Self.verificationWindow.seconds)
        var failed: [KeyRecord] = [], stale: [KeyRecord] = []
        var verifiable = 0
        for key in keys where configuration.binding(for: key.name, in: key.env).verifier != nil {
            verifiable += 1
            if key.lastVerifyOK == false {
                failed.append(key)
            } else if let verifiedAt = key.lastVerifiedAt, now.timeIntervalSince(verifiedAt) <= window {
                continue
            } else {
                stale.append(key)
            }
        }
        if let first = failed.first {
            return check.fail(
                "\(counted(failed.count, "key")) failed its last verification (the deployed secret was rejected): \(listed(failed.map(\.slot)))",
                fix: "keyctl verify \(first.name) --env \(first.env), then keyctl rotate \(first.name) --env \(first.env) if it is still rejected")
        }
        if let first = stale.first {
            return check.warn(
                "\(counted(stale.count, "key")) not verified successfully in the last \(Self.verificationWindow): \(listed(stale.map(\.slot)))",
                fix: "keyctl verify \(first.name) --env \(first.env) (run it from cron daily)")
        }
        return check.pass(verifiable == 0 ? "no key has a verifier" : "\(counted(verifiable, "key")) verified successfully within \(Self.verificationWindow)")
    }
}
