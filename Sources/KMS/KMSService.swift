import Digest
import OSSProtocol

/// An answer of the KMS API: HTTP status and a JSON body.
public struct KMSAnswer: Sendable, Equatable {
    public let status: Int
    public let json: String
}

/// Alibaba Cloud KMS, emulated for envelope encryption: the RPC-style API
/// (`POST /` with `Action`, `Version=2016-01-20`, an HMAC-SHA1 signature) with
/// GenerateDataKey, Encrypt and Decrypt. Blobs are real AES-256-GCM under a
/// per-CMK master key, the key id and the encryption context authenticated:
/// `OEK1 | id length (1) | id | nonce (12) | ciphertext | tag (16)`, base64.
/// Any well-formed key id names a CMK; its master key is made on first use.
public final class KMSService: Sendable {
    /// Longest key id accepted (ids, aliases and ARNs are all shorter).
    public static let maxKeyIdLength = 128
    /// Encrypt's plaintext limit, as KMS's (6 KB).
    public static let maxPlaintextBytes = 6 * 1024
    /// GenerateDataKey's NumberOfBytes range.
    public static let dataKeyBytes = 1...1024
    static let blobMagic = Array("OEK1".utf8)

    private let credentials: [String: String]
    private let keys: KMSKeyStore

    /// `directory` keeps the master keys; `credentials` maps AccessKeyId to secret.
    public init(directory: String, credentials: [String: String]) {
        self.credentials = credentials
        self.keys = KMSKeyStore(directory: directory)
    }

    /// Answers one request. `target` is the origin-form target (`/?Action=...`).
    public func handle(method: String, target: String, body: [UInt8], host: String, requestId: String) -> KMSAnswer {
        let query = target.firstIndex(of: "?").map { target[target.index(after: $0)...] } ?? ""
        let parameters = KMSParameters(query: query, formBody: body)
        do {
            try authenticate(method: method, parameters)
            var fields = try perform(parameters)
            fields.append(("RequestId", requestId))
            return KMSAnswer(status: 200, json: Self.json(fields))
        } catch {
            return KMSAnswer(status: error.status, json: Self.json([
                ("RequestId", requestId), ("HostId", host), ("Code", error.code), ("Message", error.message),
            ]))
        }
    }

    private func authenticate(method: String, _ parameters: KMSParameters) throws(KMSError) {
        guard let signature = parameters["Signature"], let keyId = parameters["AccessKeyId"],
              parameters["SignatureMethod"] == nil || parameters["SignatureMethod"] == "HMAC-SHA1"
        else { throw .incompleteSignature }
        guard let secret = credentials[keyId] else { throw .accessKeyNotFound }
        let expected = KMSParameters.signature(method: method, parameters: parameters, secret: secret)
        guard Array(expected.utf8) == Array(signature.utf8) else {
            throw .signatureDoesNotMatch(stringToSign: parameters.stringToSign(method: method))
        }
    }

    private func perform(_ parameters: KMSParameters) throws(KMSError) -> [(String, String)] {
        guard let action = parameters["Action"], !action.isEmpty else { throw .missing("Action") }
        let context = Array((parameters["EncryptionContext"] ?? "").utf8)
        switch action {
        case "GenerateDataKey":
            let keyId = try Self.keyId(parameters)
            let count = try Self.dataKeyLength(parameters)
            guard let dataKey = AESGCM.randomBytes(count) else { throw .internalFailure }
            let plaintext = Base64.encode(dataKey)
            let blob = try seal(Array(plaintext.utf8), keyId: keyId, context: context)
            return [("KeyId", keyId), ("KeyVersionId", Self.versionId(keyId)), ("Plaintext", plaintext), ("CiphertextBlob", blob)]
        case "Encrypt":
            let keyId = try Self.keyId(parameters)
            guard let plaintext = parameters["Plaintext"] else { throw .missing("Plaintext") }
            guard plaintext.utf8.count <= Self.maxPlaintextBytes else { throw .invalid("Plaintext") }
            let blob = try seal(Array(plaintext.utf8), keyId: keyId, context: context)
            return [("KeyId", keyId), ("KeyVersionId", Self.versionId(keyId)), ("CiphertextBlob", blob)]
        case "Decrypt":
            guard let blob = parameters["CiphertextBlob"], !blob.isEmpty else { throw .missing("CiphertextBlob") }
            let (keyId, plaintext) = try open(blob, context: context)
            return [("KeyId", keyId), ("KeyVersionId", Self.versionId(keyId)), ("Plaintext", String(decoding: plaintext, as: UTF8.self))]
        default:
            throw .unsupportedAction(action)
        }
    }

    func seal(_ plaintext: [UInt8], keyId: String, context: [UInt8]) throws(KMSError) -> String {
        let master = try keys.masterKey(for: keyId, create: true)
        let id = Array(keyId.utf8)
        guard let nonce = AESGCM.randomBytes(AESGCM.nonceLength),
              let sealed = AESGCM.seal(plaintext, key: master, nonce: nonce, aad: Self.aad(id, context))
        else { throw .internalFailure }
        return Base64.encode(Self.blobMagic + [UInt8(id.count)] + id + nonce + sealed)
    }

    func open(_ blob: String, context: [UInt8]) throws(KMSError) -> (keyId: String, plaintext: [UInt8]) {
        guard let bytes = Base64.decode(blob), bytes.count > 5, Array(bytes.prefix(4)) == Self.blobMagic else {
            throw .invalidCiphertext
        }
        let idLength = Int(bytes[4])
        let idEnd = 5 + idLength
        guard idLength > 0, bytes.count >= idEnd + AESGCM.nonceLength + AESGCM.tagLength else { throw .invalidCiphertext }
        let id = Array(bytes[5..<idEnd])
        let keyId = String(decoding: id, as: UTF8.self)
        let master = try keys.masterKey(for: keyId, create: false)
        let nonce = Array(bytes[idEnd..<(idEnd + AESGCM.nonceLength)])
        let sealed = Array(bytes[(idEnd + AESGCM.nonceLength)...])
        guard let plaintext = AESGCM.open(sealed, key: master, nonce: nonce, aad: Self.aad(id, context)) else {
            throw .invalidCiphertext
        }
        return (keyId, plaintext)
    }

    private static func aad(_ id: [UInt8], _ context: [UInt8]) -> [UInt8] { id + [0] + context }

    static func keyId(_ parameters: KMSParameters) throws(KMSError) -> String {
        guard let keyId = parameters["KeyId"], !keyId.isEmpty else { throw .missing("KeyId") }
        guard isWellFormedKeyId(keyId) else { throw .invalid("KeyId") }
        return keyId
    }

    /// Letters, digits and `-_/:.`, up to `maxKeyIdLength`: key ids, aliases, ARNs.
    public static func isWellFormedKeyId(_ keyId: String) -> Bool {
        !keyId.isEmpty && keyId.utf8.count <= maxKeyIdLength && keyId.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                || $0 == 0x2D || $0 == 0x5F || $0 == 0x2F || $0 == 0x3A || $0 == 0x2E
        }
    }

    private static func dataKeyLength(_ parameters: KMSParameters) throws(KMSError) -> Int {
        if let number = parameters["NumberOfBytes"], !number.isEmpty {
            guard let count = Int(number), dataKeyBytes.contains(count) else { throw .invalid("NumberOfBytes") }
            return count
        }
        switch parameters["KeySpec"] ?? "AES_256" {
        case "AES_256", "": return 32
        case "AES_128": return 16
        default: throw .invalid("KeySpec")
        }
    }

    /// A stable, UUID-shaped version id per key.
    static func versionId(_ keyId: String) -> String { uuidShaped(Hash.sha256(Array(("version:" + keyId).utf8))) }

    /// The default CMK id of an account (what SSE-KMS names when no key id is given).
    public static func defaultKeyId(ownerId: String) -> String { uuidShaped(Hash.sha256(Array(("cmk:" + ownerId).utf8))) }

    private static func uuidShaped(_ digest: [UInt8]) -> String {
        let hex = Hex.encode(Array(digest.prefix(16)))
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }

    static func json(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\"\($0.0)\":" + quoted($0.1) }.joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String {
        var out = ""
        JSONText.quote(text, into: &out)
        return out
    }
}
