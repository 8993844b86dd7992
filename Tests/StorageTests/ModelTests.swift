import Foundation
import Testing
@testable import Storage

/// Random puts, deletes and restarts over keys that collide as files and
/// directories, checked against a dictionary after every step.
@Suite struct ModelTests {
    static let keys = [
        "a", "a/b", "a/b/c", "a/", "a//b", ".", "./a", "..", "../a", "%xa", "%xa/b", "%s", "b", "b/a",
        String(repeating: "L", count: 300), String(repeating: "L", count: 300) + "/x", "é", "e\u{301}", "é/é",
    ]

    struct Model {
        var objects: [[UInt8]: (body: [UInt8], contentType: String)] = [:]
    }

    func check(_ store: ObjectStore, _ model: Model, step: Int) throws {
        let listing = try store.listObjects(bucket: "bucket", prefix: "", after: nil, delimiter: nil, maxKeys: .max)
        let expectedKeys = model.objects.keys.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(listing.objects.map { Array($0.key.utf8) } == expectedKeys, "step \(step)")
        for object in listing.objects {
            guard let expected = model.objects[Array(object.key.utf8)] else { continue }
            #expect(try store.readObject(bucket: "bucket", key: object.key) == expected.body, "step \(step) key \(object.key)")
            #expect(object.metadata.contentType == expected.contentType, "step \(step) key \(object.key)")
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomOperationsMatchTheModel(seed: UInt64) throws {
        let scratch = ScratchDirectory()
        var rng = SplitMix64(seed: seed)
        var store: ObjectStore? = try ObjectStore(root: scratch.data, limits: StorageLimits(journalCompactionSlack: 16))
        _ = try store?.createBucket("bucket", acl: .private)
        var model = Model()
        for step in 0..<200 {
            let current = try #require(store)
            let key = Self.keys.randomElement(using: &rng) ?? "a"
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let body = Array("\(step)".utf8)
                let contentType = "step/\(step)"
                _ = try current.putObject(bucket: "bucket", key: key, bytes: body, metadata: ObjectMetadata(contentType: contentType))
                model.objects[Array(key.utf8)] = (body, contentType)
            case 5..<8:
                try current.deleteObject(bucket: "bucket", key: key)
                model.objects[Array(key.utf8)] = nil
            default:
                store = nil
                store = try ObjectStore(root: scratch.data, limits: StorageLimits(journalCompactionSlack: 16))
                #expect(store?.startupNotes == [], "step \(step)")
            }
            try check(try #require(store), model, step: step)
        }
        // Nothing outside the bucket directory, one file per object inside it.
        let files = regularFiles(under: scratch.data).filter { !$0.hasPrefix(".oss/") }
        #expect(files.count == model.objects.count)
        #expect(files.allSatisfy { $0.hasPrefix("bucket/") })
    }
}
