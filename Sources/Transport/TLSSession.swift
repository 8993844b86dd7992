import CCrypto

/// Limits of the TLS the server terminates in CONNECT tunnels.
public enum TLSLimits {
    /// From the `200 Connection established` to a finished handshake.
    public static let handshakeTimeout: Duration = .seconds(10)
    /// Plaintext handed to one `SSL_write`: one maximal TLS record (RFC 8446 §5.1).
    public static let maxRecordPlaintext = 16 * 1024
    /// Ciphertext accepted before the handshake finishes; a ClientHello is a few KB.
    public static let maxHandshakeInput = 64 * 1024
}

/// The server side of one TLS connection over two memory BIOs (sans-I/O):
/// ciphertext in through `receive`, plaintext out; plaintext in through
/// `send`, ciphertext out through `takeOutput`. No socket is touched.
final class TLSServerSession {
    enum Failure: Error, Equatable { case protocolError(String), handshakeInputTooLarge }

    private let ssl: OpaquePointer
    private let input: OpaquePointer
    private let output: OpaquePointer
    private var handshakeInput = 0
    private(set) var peerClosed = false
    private var buffer = [UInt8](repeating: 0, count: TLSLimits.maxRecordPlaintext)

    init?(context: TLSServerContext) {
        guard let ssl = SSL_new(context.context) else { return nil }
        guard let input = BIO_new(BIO_s_mem()), let output = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            return nil
        }
        SSL_set_bio(ssl, input, output)  // the SSL owns both BIOs from here
        SSL_set_accept_state(ssl)
        self.ssl = ssl
        self.input = input
        self.output = output
    }

    deinit { SSL_free(ssl) }

    var handshakeFinished: Bool { SSL_is_init_finished(ssl) == 1 }

    /// Feeds ciphertext; returns the plaintext it completes. Handshake
    /// answers wait in `takeOutput()`.
    func receive(_ ciphertext: UnsafeRawBufferPointer) throws(Failure) -> [UInt8] {
        if !handshakeFinished { handshakeInput += ciphertext.count }
        if ciphertext.count > 0 {
            guard BIO_write(input, ciphertext.baseAddress, Int32(ciphertext.count)) == Int32(ciphertext.count) else {
                throw .protocolError("memory BIO write failed")
            }
        }
        // SSL_get_error reads the thread's error queue, which other sessions
        // on this queue's threads may have left entries in.
        ERR_clear_error()
        if !handshakeFinished {
            let result = SSL_do_handshake(ssl)
            if result != 1 {
                let error = SSL_get_error(ssl, result)
                if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE {
                    // Application data may follow the client's Finished in one read:
                    // only input that still has not completed a handshake counts.
                    if handshakeInput > TLSLimits.maxHandshakeInput { throw .handshakeInputTooLarge }
                    return []
                }
                throw .protocolError(Self.lastError(error))
            }
        }
        var plaintext: [UInt8] = []
        while !peerClosed {
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                plaintext += buffer.prefix(Int(count))
                continue
            }
            let error = SSL_get_error(ssl, count)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return plaintext
            case SSL_ERROR_ZERO_RETURN: peerClosed = true
            default: throw .protocolError(Self.lastError(error))
            }
        }
        return plaintext
    }

    /// Encrypts plaintext into records of at most `maxRecordPlaintext` bytes.
    func send(_ plaintext: UnsafeRawBufferPointer) throws(Failure) {
        var offset = 0
        ERR_clear_error()
        while offset < plaintext.count {
            let length = min(TLSLimits.maxRecordPlaintext, plaintext.count - offset)
            let written = SSL_write(ssl, plaintext.baseAddress! + offset, Int32(length))
            guard written > 0 else { throw .protocolError(Self.lastError(SSL_get_error(ssl, written))) }
            offset += Int(written)
        }
    }

    /// Sends close_notify (nothing before the handshake is done).
    func shutdown() {
        guard handshakeFinished else { return }
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    /// Ciphertext waiting to go to the peer.
    func takeOutput() -> [UInt8] { TLSPEM.drain(output) }

    private static func lastError(_ code: Int32) -> String {
        let queued = ERR_get_error()
        ERR_clear_error()
        guard queued != 0 else { return "SSL error \(code)" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(queued, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
