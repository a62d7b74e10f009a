import KeyStore

extension Doctor {
    static let auditChainCheck = DoctorCheck.Definition(id: "audit-chain", title: "the audit chain verifies")
    static let auditAnchorCheck = DoctorCheck.Definition(id: "audit-anchor", title: "the audit log matches its signed checkpoints")

    /// The registry's hash chain, as `keyctl audit verify` checks it: an edited, deleted or
    /// reordered event fails.
    func auditChain() async -> DoctorCheck {
        let check = Self.auditChainCheck
        guard let registry else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        do {
            switch try await registry.verifyAuditChain() {
            case .intact(let events, _):
                return check.pass("\(counted(Int(events), "event")), each linked to the one before it")
            case .broken(let seq, _, let reason):
                return check.fail("broken at event \(seq): \(reason)", fix: "keyctl audit verify; treat it as an incident (docs/incident-runbook.md)")
            }
        } catch {
            return check.warn("not checked: \(error)", fix: "keyctl audit verify")
        }
    }

    /// The checkpoint file, as `keyctl audit verify` checks it. None configured warns (deleting the
    /// newest events cannot be detected); a discrepancy fails; a key or file that cannot be read warns.
    func auditAnchor() async -> DoctorCheck {
        let check = Self.auditAnchorCheck
        guard let registry else { return check.notChecked(registryProblem, fix: Self.fixRegistry) }
        let settings = AuditAnchorSettings(environment: subject.environment)
        guard let anchor = AuditAnchor(settings) else {
            return check.warn(
                "no checkpoint file: deleting the newest audit events, or all of them, cannot be detected",
                fix: "export KEYCTL_AUDIT_CHECKPOINTS=/var/lib/keyctl/audit.checkpoints (keyctl then signs one after each change)")
        }
        do {
            let key = try AuditVerificationKey.resolve(
                publicKeyFile: settings.publicKeyFile, environment: subject.environment, signingKeyFile: settings.signingKeyFile)
            switch try await anchor.verify(against: registry, key: key) {
            case .consistent(let checkpoints, _, let unanchored):
                let pending = unanchored == 0 ? "" : "; \(counted(Int(unanchored), "newer event")) not checkpointed yet"
                return check.pass("\(anchor.path): \(counted(checkpoints, "checkpoint")) verified\(pending)")
            case .tampered(let reason):
                return check.fail("\(anchor.path): \(reason)", fix: "keyctl audit verify; treat it as an incident (docs/incident-runbook.md)")
            }
        } catch {
            return check.warn("not checked: \(error)", fix: "keyctl audit verify --public-key FILE")
        }
    }
}
