import OSSProtocol

/// A bucket's default server-side encryption (PutBucketEncryption, or the
/// `x-oss-server-side-encryption*` headers of PutBucket): applied to every
/// write that names no encryption of its own. Recorded and reported only;
/// the emulator keeps object bytes as written.
public struct EncryptionRule: Sendable, Equatable {
    public static let algorithms = ["AES256", "KMS", "SM4"]
    /// What KMSDataEncryption may name (the data cipher of SSE-KMS).
    public static let dataAlgorithms = ["SM4"]

    public var algorithm: String
    /// The CMK of SSE-KMS; nil for the account's default key.
    public var kmsMasterKeyId: String?
    /// The data cipher of SSE-KMS; nil for AES-256.
    public var kmsDataEncryption: String?

    /// Normalises as OSS does: the key id and data cipher count for KMS only.
    public init(algorithm: String, kmsMasterKeyId: String? = nil, kmsDataEncryption: String? = nil) {
        self.algorithm = algorithm
        let isKMS = algorithm == "KMS"
        self.kmsMasterKeyId = isKMS && kmsMasterKeyId?.isEmpty == false ? kmsMasterKeyId : nil
        self.kmsDataEncryption = isKMS && kmsDataEncryption?.isEmpty == false ? kmsDataEncryption : nil
    }

    /// Validates a rule from its parts (the XML document's or PutBucket's headers).
    public static func validated(algorithm: String, kmsMasterKeyId: String?, kmsDataEncryption: String?) throws -> EncryptionRule {
        guard algorithms.contains(algorithm) else { throw invalidAlgorithm }
        if let keyId = kmsMasterKeyId, !keyId.isEmpty, algorithm != "KMS" {
            throw OSSError.invalidArgument(
                "KMSMasterKeyID is applicable only when SSEAlgorithm is KMS.", name: "KMSMasterKeyID", value: keyId)
        }
        if algorithm == "KMS", let data = kmsDataEncryption, !data.isEmpty, !dataAlgorithms.contains(data) {
            throw OSSError.invalidArgument(
                "KMSDataEncryption must be SM4.", name: "KMSDataEncryption", value: data)
        }
        return EncryptionRule(algorithm: algorithm, kmsMasterKeyId: kmsMasterKeyId, kmsDataEncryption: kmsDataEncryption)
    }

    public static let invalidAlgorithm = OSSError(
        status: 400, code: "InvalidEncryptionAlgorithmError",
        message: "The Encryption request you specified is not valid. Supported value: AES256/KMS/SM4")

    public static func parse(_ body: [UInt8]) throws -> EncryptionRule {
        let root = try XMLReading.root(body, named: "ServerSideEncryptionRule")
        guard let apply = root.child("ApplyServerSideEncryptionByDefault") else {
            throw OSSError.malformedXML("ServerSideEncryptionRule needs ApplyServerSideEncryptionByDefault")
        }
        guard let algorithm = apply.text(of: "SSEAlgorithm") else {
            throw OSSError.malformedXML("ApplyServerSideEncryptionByDefault needs SSEAlgorithm")
        }
        return try validated(
            algorithm: algorithm, kmsMasterKeyId: apply.text(of: "KMSMasterKeyID"),
            kmsDataEncryption: apply.text(of: "KMSDataEncryption"))
    }

    public func document() -> [UInt8] {
        var w = XMLWriter(root: "ServerSideEncryptionRule")
        w.open("ApplyServerSideEncryptionByDefault")
        w.element("SSEAlgorithm", algorithm)
        if let kmsMasterKeyId { w.element("KMSMasterKeyID", kmsMasterKeyId) }
        if let kmsDataEncryption { w.element("KMSDataEncryption", kmsDataEncryption) }
        w.close()
        return w.finish()
    }
}
