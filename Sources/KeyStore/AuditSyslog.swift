import Foundation

/// Sends checkpoint lines to the system log (facility auth, priority notice), from where a
/// syslog forwarder ships them off the host.
enum AuditSyslog {
    static func send(_ line: String) {
        line.withCString { text in
            withVaList([text]) { vsyslog(LOG_AUTH | LOG_NOTICE, "keyctl audit checkpoint %s", $0) }
        }
    }
}
