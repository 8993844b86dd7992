import OSSProtocol
import Storage
import Testing
@testable import BucketConfig

@Suite struct SweepAndRecordsTests {
    let lifecycle = LifecycleConfiguration(rules: [
        LifecycleRule(id: "expire", prefix: "tmp/", expiration: LifecycleExpiration(.days(1))),
        LifecycleRule(id: "cool", prefix: "media/", transitions: [LifecycleTransition(time: .days(1), storageClass: "IA")]),
        LifecycleRule(id: "abort", prefix: "", abortMultipartUpload: .days(1)),
    ])

    @Test func theSweepDeletesTransitionsAndAborts() throws {
        let scratch = Scratch()
        let clock = ManualClock(march1)
        let store = try ObjectStore(root: scratch.path, clock: clock.function)
        _ = try store.createBucket("sweep", acl: .private)
        for key in ["tmp/a", "tmp/b", "media/v", "keep/x"] {
            _ = try store.putObject(bucket: "sweep", key: key, bytes: bytes("data"), metadata: ObjectMetadata())
        }
        let upload = try store.initiateMultipartUpload(bucket: "sweep", key: "big", metadata: ObjectMetadata())
        try BucketConfigRecords(store: store).save(.lifecycle, bucket: "sweep", bytes: LifecycleXML.document(lifecycle))
        let sweep = LifecycleSweep(store: store)

        #expect(try sweep.run(now: clock.function()) == [LifecycleSweep.Outcome(bucket: "sweep")])
        clock.advance(days: 1)
        #expect(try sweep.run(bucket: "sweep", now: clock.function()) == [LifecycleSweep.Outcome(bucket: "sweep", expired: 2, transitioned: 1, aborted: 1)])
        let left = try store.listObjects(bucket: "sweep", prefix: "", after: nil, delimiter: nil, maxKeys: 100).objects
        #expect(left.map(\.key) == ["keep/x", "media/v"])
        #expect(left.map(\.metadata.storageClass) == ["Standard", "IA"])
        #expect(try store.listMultipartUploads(bucket: "sweep").map(\.uploadId).contains(upload.uploadId) == false)
        // A second sweep finds nothing more to do.
        #expect(try sweep.run(now: clock.function()) == [LifecycleSweep.Outcome(bucket: "sweep")])
    }

    @Test func settingsSurviveARestartAndGoWithTheBucket() throws {
        let scratch = Scratch()
        do {
            let store = try ObjectStore(root: scratch.path)
            _ = try store.createBucket("kept", acl: .private, template: BucketInfo(
                name: "kept", creationDate: 0, acl: .private, storageClass: "IA", dataRedundancyType: "ZRS", resourceGroupId: "rg-1"))
            let records = BucketConfigRecords(store: store)
            try records.save(.lifecycle, bucket: "kept", bytes: LifecycleXML.document(lifecycle))
            try records.save(.policy, bucket: "kept", bytes: bytes("{\"Version\":\"1\",\"Statement\":[]}"))
        }
        let store = try ObjectStore(root: scratch.path)
        let info = try #require(store.bucket("kept"))
        #expect((info.storageClass, info.dataRedundancyType, info.resourceGroupId) == ("IA", "ZRS", "rg-1"))
        let records = BucketConfigRecords(store: store)
        #expect(try LifecycleXML.parse(try #require(try records.load(.lifecycle, bucket: "kept"))) == lifecycle)
        #expect(try records.load(.policy, bucket: "kept") == bytes("{\"Version\":\"1\",\"Statement\":[]}"))
        #expect(try records.load(.tagging, bucket: "kept") == nil)

        try store.deleteBucket("kept")
        _ = try store.createBucket("kept", acl: .private)
        #expect(try records.load(.lifecycle, bucket: "kept") == nil)
        #expect(store.bucket("kept")?.resourceGroupId == BucketInfo.defaultResourceGroupId)
    }
}
