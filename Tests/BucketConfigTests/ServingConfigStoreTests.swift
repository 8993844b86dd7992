import BucketConfig
import Foundation
import OSSProtocol
import Storage
import Testing

@Suite struct BucketServingConfigTests {
    let path = NSTemporaryDirectory() + "/bucket-serving-\(UUID().uuidString)"

    @Test func settingsSurviveARestartAndGoWithTheBucket() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let cors = CORSConfiguration(rules: [.init(allowedOrigins: ["*"], allowedMethods: ["GET"])], responseVary: true)
        let website = WebsiteConfiguration(index: .init(suffix: "index.html"), error: .init(key: "e.html", httpStatus: 200))
        let referer = RefererConfiguration(allowEmptyReferer: false, referers: ["http://a.test"])
        let encryption = EncryptionRule(algorithm: "KMS", kmsMasterKeyId: "k")
        do {
            let store = try ObjectStore(root: path)
            _ = try store.createBucket("site", acl: .publicRead)
            let configs = BucketServingConfig(store: store)
            try configs.setCORS(cors, bucket: "site")
            try configs.setWebsite(website, bucket: "site")
            try configs.setReferer(referer, bucket: "site")
            try configs.setEncryption(encryption, bucket: "site")
            try configs.setCORS(nil, bucket: "site")
            try configs.setCORS(cors, bucket: "site")
        }
        let reopened = try ObjectStore(root: path)
        let configs = BucketServingConfig(store: reopened)
        #expect(configs.settings("site") == BucketServingSettings(cors: cors, referer: referer, website: website, encryption: encryption))

        // A bucket deleted and made again (even within the same second) starts with none.
        try reopened.deleteBucket("site")
        #expect(configs.settings("site") == BucketServingSettings())
        _ = try reopened.createBucket("site", acl: .private)
        #expect(configs.settings("site") == BucketServingSettings())
        #expect(throws: OSSError.self) { try configs.setCORS(cors, bucket: "missing") }
    }

    @Test func aCachedBucketRemadeWithinTheSecondIsReloaded() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try ObjectStore(root: path, clock: { 1_700_000_000_000 })
        _ = try store.createBucket("same-second", acl: .private)
        let configs = BucketServingConfig(store: store)
        try configs.setEncryption(EncryptionRule(algorithm: "SM4"), bucket: "same-second")
        #expect(configs.settings("same-second").encryption?.algorithm == "SM4")
        try store.deleteBucket("same-second")
        _ = try store.createBucket("same-second", acl: .private)
        #expect(configs.settings("same-second").encryption == nil)
    }
}
