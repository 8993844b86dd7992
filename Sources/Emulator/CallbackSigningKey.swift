import Digest
import Locking
import ObjectAPI

/// The emulator's RSA key for signing upload callbacks, made on first use
/// and kept for the life of the process. Its public key is served at
/// `/_emulator/callback-keys/<id>.pem`; the id changes with the key, so a
/// callback server that caches keys by URL never checks against a stale one.
final class CallbackSigningKey: UploadCallbackSigner {
    static let pathPrefix = "/callback-keys/"

    private let key = Locked<RSAKey?>(nil)

    func sign(_ message: [UInt8]) -> [UInt8]? { current()?.signMD5(message) }

    /// The path (under `/_emulator`) of the public key, made now if need be.
    var publicKeyPath: String? {
        guard let key = current() else { return nil }
        return Self.pathPrefix + Hex.encode(Array(Hash.md5(Array(key.publicKeyPEM.utf8)).prefix(8))) + ".pem"
    }

    /// The PEM for `path`, nil unless it names the current key.
    func publicKey(path: String) -> String? {
        guard let current = key.withLock({ $0 }), path == publicKeyPath else { return nil }
        return current.publicKeyPEM
    }

    private func current() -> RSAKey? {
        key.withLock { key in
            if key == nil { key = RSAKey() }
            return key
        }
    }
}
