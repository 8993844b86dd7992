import Digest
import Foundation
import Testing
@testable import KMS

/// Requests signed the way the Alibaba Cloud SDK core signs RPC calls.
private struct Client {
    let service: KMSService
    var accessKeyId = "K"
    var secret = "S"

    func call(_ parameters: [String: String], tamper: Bool = false) -> (status: Int, json: [String: String]) {
        var all = parameters
        all["Format"] = "JSON"
        all["Version"] = "2016-01-20"
        all["AccessKeyId"] = accessKeyId
        all["SignatureMethod"] = "HMAC-SHA1"
        all["SignatureVersion"] = "1.0"
        all["SignatureNonce"] = UUID().uuidString
        all["Timestamp"] = "2024-01-01T00:00:00Z"
        let signed = KMSParameters(query: Substring(Self.query(all)), formBody: [])
        var signature = KMSParameters.signature(method: "POST", parameters: signed, secret: secret)
        if tamper { signature = (signature.hasPrefix("A") ? "B" : "A") + signature.dropFirst() }  // always a different first character
        all["Signature"] = signature
        let answer = service.handle(method: "POST", target: "/?" + Self.query(all), body: [], host: "kms.cn-hangzhou.aliyuncs.com", requestId: "R1")
        let object = try! JSONSerialization.jsonObject(with: Data(answer.json.utf8)) as! [String: String]
        return (answer.status, object)
    }

    static func query(_ values: [String: String]) -> String {
        values.map { KMSParameters.encode($0.key) + "=" + KMSParameters.encode($0.value) }.joined(separator: "&")
    }
}

private func temporaryDirectory() -> String {
    let path = NSTemporaryDirectory() + "kms-tests-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Suite struct KMSServiceTests {
    @Test func generateDataKeyThenDecryptGivesTheKeyBack() {
        let client = Client(service: KMSService(directory: temporaryDirectory(), credentials: ["K": "S"]))
        let generated = client.call(["Action": "GenerateDataKey", "KeyId": "cmk-1", "KeySpec": "AES_256", "NumberOfBytes": "32",
                                     "EncryptionContext": "{\"x-passphrase\":\"p\"}"])
        #expect(generated.status == 200)
        #expect(generated.json["KeyId"] == "cmk-1")
        #expect(generated.json["RequestId"] == "R1")
        #expect(Base64.decode(generated.json["Plaintext"]!)?.count == 32)
        let decrypted = client.call(["Action": "Decrypt", "CiphertextBlob": generated.json["CiphertextBlob"]!,
                                     "EncryptionContext": "{\"x-passphrase\":\"p\"}"])
        #expect(decrypted.status == 200)
        #expect(decrypted.json["Plaintext"] == generated.json["Plaintext"])
        #expect(decrypted.json["KeyId"] == "cmk-1")
    }

    @Test func encryptDecryptRoundTripAndWrongContextFails() {
        let client = Client(service: KMSService(directory: temporaryDirectory(), credentials: ["K": "S"]))
        let encrypted = client.call(["Action": "Encrypt", "KeyId": "cmk-2", "Plaintext": "aGVsbG8=", "EncryptionContext": "{\"a\":\"1\"}"])
        #expect(encrypted.status == 200)
        let blob = encrypted.json["CiphertextBlob"]!
        #expect(client.call(["Action": "Decrypt", "CiphertextBlob": blob, "EncryptionContext": "{\"a\":\"1\"}"]).json["Plaintext"] == "aGVsbG8=")
        let wrong = client.call(["Action": "Decrypt", "CiphertextBlob": blob, "EncryptionContext": "{\"a\":\"2\"}"])
        #expect(wrong.status == 400)
        #expect(wrong.json["Code"] == "InvalidParameter")
        // A blob whose bytes were changed does not authenticate either.
        var bytes = Base64.decode(blob)!
        bytes[bytes.count - 1] ^= 1
        #expect(client.call(["Action": "Decrypt", "CiphertextBlob": Base64.encode(bytes), "EncryptionContext": "{\"a\":\"1\"}"]).status == 400)
    }

    @Test func signaturesAreChecked() {
        let service = KMSService(directory: temporaryDirectory(), credentials: ["K": "S"])
        let tampered = Client(service: service).call(["Action": "Encrypt", "KeyId": "k", "Plaintext": "x"], tamper: true)
        #expect(tampered.status == 400)
        #expect(tampered.json["Code"] == "SignatureDoesNotMatch")
        let wrongSecret = Client(service: service, secret: "other").call(["Action": "Encrypt", "KeyId": "k", "Plaintext": "x"])
        #expect(wrongSecret.json["Code"] == "SignatureDoesNotMatch")
        // The SDK finds its own string to sign after the colon and blames the secret.
        #expect(wrongSecret.json["Message"]?.split(separator: ":").count == 2)
        #expect(wrongSecret.json["Message"]?.hasSuffix(":POST&%2F&AccessKeyId%3DK%26Action%3DEncrypt") == false)
        #expect(wrongSecret.json["Message"]?.contains(":POST&%2F&AccessKeyId%3DK%26Action%3DEncrypt%26") == true)
        let unknownKey = Client(service: service, accessKeyId: "nobody").call(["Action": "Encrypt", "KeyId": "k", "Plaintext": "x"])
        #expect(unknownKey.status == 404)
        #expect(unknownKey.json["Code"] == "InvalidAccessKeyId.NotFound")
        let unsigned = service.handle(method: "POST", target: "/?Action=Encrypt&KeyId=k&Plaintext=x", body: [], host: "h", requestId: "R")
        #expect(unsigned.status == 400)
        #expect(unsigned.json.contains("\"Code\":\"IncompleteSignature\""))
    }

    @Test func formBodyParametersAreSignedToo() {
        let service = KMSService(directory: temporaryDirectory(), credentials: ["K": "S"])
        var query: [String: String] = ["Action": "Encrypt", "Format": "JSON", "Version": "2016-01-20", "AccessKeyId": "K",
                                       "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "n1", "Timestamp": "2024-01-01T00:00:00Z"]
        let body = Array("KeyId=cmk-3&Plaintext=a+b%2Bc".utf8)
        let signed = KMSParameters(query: Substring(Client.query(query)), formBody: body)
        query["Signature"] = KMSParameters.signature(method: "POST", parameters: signed, secret: "S")
        let answer = service.handle(method: "POST", target: "/?" + Client.query(query), body: body, host: "h", requestId: "R")
        #expect(answer.status == 200)
        let blob = try! JSONSerialization.jsonObject(with: Data(answer.json.utf8)) as! [String: String]
        let plaintext = try! service.open(blob["CiphertextBlob"]!, context: []).plaintext
        #expect(String(decoding: plaintext, as: UTF8.self) == "a b+c")
    }

    @Test func badParametersGetKMSErrors() {
        let client = Client(service: KMSService(directory: temporaryDirectory(), credentials: ["K": "S"]))
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": ""]).json["Code"] == "MissingParameter")
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": "bad key"]).json["Code"] == "InvalidParameter")
        let longId = String(repeating: "k", count: KMSService.maxKeyIdLength + 1)
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": longId]).json["Code"] == "InvalidParameter")
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": String(repeating: "k", count: KMSService.maxKeyIdLength)]).status == 200)
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": "k", "NumberOfBytes": "1025"]).json["Code"] == "InvalidParameter")
        #expect(client.call(["Action": "GenerateDataKey", "KeyId": "k", "NumberOfBytes": "1024"]).status == 200)
        let big = String(repeating: "p", count: KMSService.maxPlaintextBytes + 1)
        #expect(client.call(["Action": "Encrypt", "KeyId": "k", "Plaintext": big]).json["Code"] == "InvalidParameter")
        #expect(client.call(["Action": "Decrypt", "CiphertextBlob": "bm90IGEgYmxvYg=="]).json["Code"] == "InvalidParameter")
        #expect(client.call(["Action": "ScheduleKeyDeletion", "KeyId": "k"]).json["Code"] == "InvalidAction.NotFound")
    }

    @Test func masterKeysSurviveARestart() {
        let directory = temporaryDirectory()
        let first = Client(service: KMSService(directory: directory, credentials: ["K": "S"]))
        let blob = first.call(["Action": "Encrypt", "KeyId": "alias/kept", "Plaintext": "secret"]).json["CiphertextBlob"]!
        let second = Client(service: KMSService(directory: directory, credentials: ["K": "S"]))
        #expect(second.call(["Action": "Decrypt", "CiphertextBlob": blob]).json["Plaintext"] == "secret")
        // Another directory has other master keys: the same blob names a key it does not have.
        let other = Client(service: KMSService(directory: temporaryDirectory(), credentials: ["K": "S"]))
        let refused = other.call(["Action": "Decrypt", "CiphertextBlob": blob])
        #expect(refused.status == 404)
        #expect(refused.json["Code"] == "Forbidden.KeyNotFound")
    }

    @Test func defaultKeyIdIsStableAndWellFormed() {
        let id = KMSService.defaultKeyId(ownerId: "1000000000000000")
        #expect(id == KMSService.defaultKeyId(ownerId: "1000000000000000"))
        #expect(id.count == 36)
        #expect(KMSService.isWellFormedKeyId(id))
    }
}
