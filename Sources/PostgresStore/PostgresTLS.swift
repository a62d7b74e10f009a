import Foundation
import KeyStore
import PostgresNIO

/// The TLS half of a connection: `sslmode`, the root CA file and an optional client certificate,
/// turned into PostgresNIO's TLS setting. Files are read here, so a missing or unreadable one is
/// an `invalidInput` error (exit 65) before any connection is tried.
struct PostgresTLS {
    var mode: PostgresSSLMode
    /// `sslrootcert`: a PEM file, or `system` for the system's trusted roots; nil for libpq's
    /// default, `~/.postgresql/root.crt`.
    var rootCertificate: String?
    var clientCertificate: String?
    var clientKey: String?
    var homeDirectory: String

    /// The mode in force: `require` with a root CA file at hand checks the CA, as libpq does.
    var effectiveMode: PostgresSSLMode {
        if mode == .require, rootCertificate != nil || FileManager.default.fileExists(atPath: defaultRootCertificate) { return .verifyCA }
        return mode
    }

    private var defaultRootCertificate: String { homeDirectory + "/.postgresql/root.crt" }

    /// Whether TLS is off, tried, or required, with the TLS configuration to use.
    enum Negotiation {
        case disable
        case prefer(TLSConfiguration)
        case require(TLSConfiguration)

        var client: PostgresClient.Configuration.TLS {
            switch self {
            case .disable: .disable
            case .prefer(let tls): .prefer(tls)
            case .require(let tls): .require(tls)
            }
        }

        /// The same for a single `PostgresConnection`, which takes a ready-made context.
        func connection() throws(KeyStoreError) -> PostgresConnection.Configuration.TLS {
            do {
                switch self {
                case .disable: return .disable
                case .prefer(let tls): return .prefer(try NIOSSLContext(configuration: tls))
                case .require(let tls): return .require(try NIOSSLContext(configuration: tls))
                }
            } catch {
                throw KeyStoreError(.invalidInput, "cannot set up TLS with the certificates the registry URL names: check sslrootcert, sslcert and sslkey")
            }
        }
    }

    func negotiation() throws(KeyStoreError) -> Negotiation {
        let mode = effectiveMode
        if mode == .disable { return .disable }
        var tls = TLSConfiguration.makeClientConfiguration()
        switch mode {
        case .disable, .allow, .prefer, .require:
            tls.certificateVerification = .none
        case .verifyCA, .verifyFull:
            tls.certificateVerification = mode == .verifyFull ? .fullVerification : .noHostnameVerification
            tls.trustRoots = try trustRoots()
        }
        if clientCertificate != nil || clientKey != nil {
            guard let clientCertificate, let clientKey else {
                throw KeyStoreError(.invalidInput, "a client certificate needs both sslcert and sslkey in the registry URL")
            }
            if let problem = KeyFile.exposure(of: clientKey) {
                throw KeyStoreError(.invalidInput, "the client key \(clientKey) (sslkey) \(problem); keyctl refuses to use it")
            }
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate).map { .certificate($0) }
            } catch {
                throw KeyStoreError(.invalidInput, "cannot read the client certificate \(clientCertificate) (sslcert) as PEM")
            }
            do {
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: clientKey, format: .pem))
            } catch {
                throw KeyStoreError(.invalidInput, "cannot read the client key \(clientKey) (sslkey) as an unencrypted PEM key")
            }
        }
        switch mode {
        case .allow, .prefer: return .prefer(tls)
        default: return .require(tls)
        }
    }

    private func trustRoots() throws(KeyStoreError) -> NIOSSLTrustRoots {
        if rootCertificate == "system" { return .default }
        let path = rootCertificate ?? defaultRootCertificate
        guard FileManager.default.fileExists(atPath: path) else {
            throw KeyStoreError(
                .invalidInput,
                "sslmode=\(mode.rawValue) needs the server's root CA: the file \(path) does not exist; name it with sslrootcert=/path, or use sslrootcert=system")
        }
        do {
            let certificates = try NIOSSLCertificate.fromPEMFile(path)
            guard !certificates.isEmpty else { throw KeyStoreError(.invalidInput, "") }
            return .certificates(certificates)
        } catch {
            throw KeyStoreError(.invalidInput, "cannot read the root CA file \(path) (sslrootcert) as PEM certificates")
        }
    }
}
