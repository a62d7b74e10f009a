import Foundation
import KeyStore
import KeyctlConfig

/// One line of `access list`: a grant from the registry, or a reader named in keyctl.toml.
enum AccessEntry {
    case granted(AccessGrant)
    case configured(KeyReference, ConfiguredReader)

    var key: KeyReference {
        switch self {
        case .granted(let grant): KeyReference(grant.keyName, grant.keyEnv)
        case .configured(let key, _): key
        }
    }

    var principal: Principal {
        switch self {
        case .granted(let grant): grant.principal
        case .configured(_, let reader): reader.principal
        }
    }

    var source: AccessSource {
        if case .granted = self { return .registry }
        return .config
    }

    /// Ordered by environment, key name, principal, source (registry before config), then grant date.
    static func ordered(_ lhs: Self, _ rhs: Self) -> Bool {
        (lhs.key.env, lhs.key.name, lhs.principal, lhs.source.rawValue, lhs.since) < (rhs.key.env, rhs.key.name, rhs.principal, rhs.source.rawValue, rhs.since)
    }

    private var since: Int64 {
        if case .granted(let grant) = self { return Timestamp.epochSeconds(grant.grantedAt) }
        return 0
    }

    static func render(_ entries: [AccessEntry], format: OutputFormat, to sink: any OutputSink) {
        switch format {
        case .json, .prometheus:
            var writer = JSONWriter(sink: sink)
            writer.beginObject()
            writer.key("access")
            writer.beginArray()
            for entry in entries { writer.accessEntry(entry) }
            writer.endArray()
            writer.endObject()
            writer.newline()
            writer.flush()
        case .table:
            var table = TextTable("NAME", "ENV", "PRINCIPAL", "SOURCE", "SINCE", "BY", "REVOKED")
            for entry in entries {
                switch entry {
                case .granted(let grant):
                    table.add([
                        grant.keyName.rawValue, grant.keyEnv.rawValue, grant.principal.rawValue, "registry", Timestamp.format(grant.grantedAt),
                        grant.grantedBy, grant.revokedAt.map { "\(Timestamp.format($0)) by \(grant.revokedBy ?? "?")" } ?? "-",
                    ])
                case .configured(let key, let reader):
                    table.add([key.name.rawValue, key.env.rawValue, reader.principal.rawValue, "config", "-", reader.table, "-"])
                }
            }
            sink.write(table.isEmpty ? "no access recorded\n" : table.render())
        }
    }
}

extension JSONWriter {
    mutating func accessEntry(_ entry: AccessEntry) {
        beginObject()
        key("name")
        string(entry.key.name.rawValue)
        key("env")
        string(entry.key.env.rawValue)
        key("principal")
        string(entry.principal.rawValue)
        key("source")
        string(entry.source.rawValue)
        switch entry {
        case .granted(let grant):
            key("granted_at")
            timestamp(epochSeconds: Timestamp.epochSeconds(grant.grantedAt))
            key("granted_by")
            string(grant.grantedBy)
            key("reason")
            string(grant.reason)
            key("revoked_at")
            timestamp(epochSeconds: grant.revokedAt.map(Timestamp.epochSeconds))
            key("revoked_by")
            string(grant.revokedBy)
            key("revoke_reason")
            string(grant.revokeReason)
        case .configured(_, let reader):
            key("table")
            string(reader.table)
        }
        endObject()
    }
}
