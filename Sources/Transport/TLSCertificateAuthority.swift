#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CCrypto
import Locking
import Synchronization

/// A certificate authority of the emulator's own, for the TLS it terminates
/// in CONNECT tunnels. The CA (a P-256 key and a self-signed certificate) is
/// made on first use and kept in `directory` (`ca.pem`, `ca-key.pem`, mode
/// 0600), so clients trusting it keep trusting it across restarts. Leaf
/// certificates (SAN = the host name) are issued on demand and cached.
public final class TLSCertificateAuthority: @unchecked Sendable {
    /// Server contexts kept for tunnelled host names; the oldest goes first.
    public static let maxCachedHosts = 1024
    /// The CA certificate's validity.
    static let caValidityDays = 3650
    /// Leaf validity; under the 398 days browsers and strict clients accept.
    static let leafValidityDays = 397
    /// Host names longer than DNS allows get no certificate.
    public static let maxHostNameLength = 253

    public let certificatePath: String
    /// The CA certificate, PEM; what clients put in their CA bundle.
    public let certificatePEM: String
    private let caKey: OpaquePointer
    private let caCertificate: OpaquePointer
    /// One key for every leaf, made per process: leaves are cheap to issue.
    private let leafKey: OpaquePointer
    private let cache = Locked<(contexts: [String: TLSServerContext], order: [String])>(([:], []))

    /// Loads the CA from `directory`, or makes and stores one there.
    public init(directory: String) throws(TransportError) {
        certificatePath = directory + "/ca.pem"
        let keyPath = directory + "/ca-key.pem"
        if let certPEM = readWholeFile(certificatePath), let keyPEM = readWholeFile(keyPath),
           let key = TLSPEM.privateKey(keyPEM), let cert = TLSPEM.certificate(certPEM) {
            caKey = key
            caCertificate = cert
            certificatePEM = certPEM
        } else {
            guard let key = TLSPEM.newP256Key(),
                  let cert = Self.issue(subject: "OSS Emulator Local CA", key: key, issuer: nil, issuerKey: key,
                                        days: Self.caValidityDays, host: nil),
                  let certPEM = TLSPEM.pem(certificate: cert), let keyPEM = TLSPEM.pem(privateKey: key)
            else { throw .tls("cannot generate the emulator's certificate authority") }
            try makeDirectories(directory)
            // The key first: a certificate on disk always has its key beside it.
            try writeAtomically(keyPath, keyPEM, mode: 0o600)
            try writeAtomically(certificatePath, certPEM, mode: 0o644)
            caKey = key
            caCertificate = cert
            certificatePEM = certPEM
        }
        guard let leaf = TLSPEM.newP256Key() else { throw .tls("cannot generate a TLS key") }
        leafKey = leaf
    }

    deinit {
        EVP_PKEY_free(caKey)
        EVP_PKEY_free(leafKey)
        X509_free(caCertificate)
    }

    /// A server context presenting a certificate for `host` signed by this CA;
    /// nil for a name no certificate can carry.
    public func serverContext(for host: String) -> TLSServerContext? {
        let host = host.lowercased()
        guard !host.isEmpty, host.utf8.count <= Self.maxHostNameLength,
              host.utf8.allSatisfy({ $0 == 0x2E || $0 == 0x2D || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        else { return nil }
        if let cached = cache.withLock({ $0.contexts[host] }) { return cached }
        guard let leaf = Self.issue(subject: host, key: leafKey, issuer: caCertificate, issuerKey: caKey,
                                    days: Self.leafValidityDays, host: host),
              let context = TLSServerContext(certificate: leaf, key: leafKey)
        else { return nil }
        X509_free(leaf)
        return cache.withLock { cache in
            if let raced = cache.contexts[host] { return raced }
            if cache.order.count >= Self.maxCachedHosts {
                cache.contexts[cache.order.removeFirst()] = nil
            }
            cache.contexts[host] = context
            cache.order.append(host)
            return context
        }
    }

    /// Host names with a cached context (for tests).
    var cachedHostCount: Int { cache.withLock { $0.order.count } }

    /// Issues an X.509 v3 certificate: a CA when `host` is nil, else a
    /// server leaf for `host`.
    private static func issue(subject: String, key: OpaquePointer, issuer: OpaquePointer?, issuerKey: OpaquePointer,
                              days: Int, host: String?) -> OpaquePointer? {
        guard let cert = X509_new() else { return nil }
        var ok = X509_set_version(cert, 2) == 1
        var serial = [UInt8](repeating: 0, count: 16)
        ok = ok && RAND_bytes(&serial, Int32(serial.count)) == 1
        serial[0] &= 0x7F  // a positive serial number
        if let number = BN_bin2bn(serial, Int32(serial.count), nil) {
            ok = ok && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(cert)) != nil
            BN_free(number)
        } else { ok = false }
        ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -3600) != nil
        ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert), days * 86_400) != nil
        ok = ok && X509_set_pubkey(cert, key) == 1
        if let name = X509_get_subject_name(cert) {
            ok = ok && X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, "oss-live-emulator", -1, -1, 0) == 1
            ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, subject, -1, -1, 0) == 1
        } else { ok = false }
        ok = ok && X509_set_issuer_name(cert, X509_get_subject_name(issuer ?? cert)) == 1
        var extensions: [(Int32, String)] = [(NID_subject_key_identifier, "hash")]
        if let host {
            extensions += [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_alt_name, "DNS:" + host),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        } else {
            extensions += [
                (NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                (NID_key_usage, "critical,keyCertSign,cRLSign"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        }
        var v3 = X509V3_CTX()
        X509V3_set_ctx(&v3, issuer ?? cert, cert, nil, nil, 0)
        for (nid, value) in extensions where ok {
            guard let ext = X509V3_EXT_conf_nid(nil, &v3, nid, value) else {
                ok = false
                break
            }
            ok = X509_add_ext(cert, ext, -1) == 1
            X509_EXTENSION_free(ext)
        }
        ok = ok && X509_sign(cert, issuerKey, EVP_sha256()) > 0
        guard ok else {
            X509_free(cert)
            return nil
        }
        return cert
    }
}

/// An `SSL_CTX` for the server side of one host's tunnels.
public final class TLSServerContext: @unchecked Sendable {
    let context: OpaquePointer

    init?(certificate: OpaquePointer, key: OpaquePointer) {
        guard let context = SSL_CTX_new(TLS_server_method()) else { return nil }
        guard oss_emulator_ssl_ctx_set_min_tls12(context) == 1,
              SSL_CTX_use_certificate(context, certificate) == 1,
              SSL_CTX_use_PrivateKey(context, key) == 1,
              SSL_CTX_check_private_key(context) == 1
        else {
            SSL_CTX_free(context)
            return nil
        }
        // Writes hand over a buffer that may move between retries.
        _ = oss_emulator_ssl_ctx_set_mode(context, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER))
        self.context = context
    }

    deinit { SSL_CTX_free(context) }
}

extension TransportError {
    static func tls(_ reason: String) -> TransportError { .tlsFailed(reason: reason) }
}
