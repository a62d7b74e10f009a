/// libpq's `sslmode`: whether the connection is encrypted and what of the server's certificate is
/// checked.
public enum PostgresSSLMode: String, Sendable, CaseIterable {
    /// Plain TCP, never TLS.
    case disable
    /// libpq tries plain TCP first, then TLS; keyctl (PostgresNIO) tries TLS first, then plain TCP,
    /// which accepts the same servers. The certificate is not checked.
    case allow
    /// TLS when the server offers it, else plain TCP; the certificate is not checked. libpq's default.
    case prefer
    /// TLS or no connection; the certificate is not checked, unless a root CA file is given
    /// (`sslrootcert`, or `~/.postgresql/root.crt` exists), when it behaves as `verifyCA` (as libpq).
    case require
    /// TLS, and the server's certificate must chain to the root CA file; its name is not checked.
    case verifyCA = "verify-ca"
    /// TLS, the certificate must chain to the root CA file and name the host connected to.
    case verifyFull = "verify-full"
}
