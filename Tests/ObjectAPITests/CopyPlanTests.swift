import OSSProtocol
import Storage
import Testing
import Transport
@testable import ObjectAPI

@Suite struct CopyPlanTests {
    static var source: ObjectMetadata {
        var metadata = ObjectMetadata(contentType: "text/csv")
        metadata.userMetadata = ["owner": "alice"]
        metadata.cacheControl = "no-store"
        metadata.taggingQuery = "k=v"
        metadata.storageClass = "Archive"
        metadata.objectACL = "public-read"
        metadata.restore = RestoreState(readyAt: 1, expiresAt: 2)
        metadata.attributes["segment.start"] = "123"
        return metadata
    }

    static func plan(_ headers: [(String, String)], replaceMetadata: Bool = false, replaceTags: Bool = false) throws -> CopyPlan {
        let headers = HTTPHeaders(headers)
        return CopyPlan(
            replaceMetadata: replaceMetadata, replaceTags: replaceTags,
            request: try ObjectHandlers.metadata(from: headers, key: "target.bin"),
            setsStorageClass: headers["x-oss-storage-class"] != nil, setsACL: headers["x-oss-object-acl"] != nil)
    }

    @Test func copyDirectiveKeepsTheSourcesMetadataAndProperties() throws {
        let target = try Self.plan([("Content-Type", "ignored/type"), ("x-oss-meta-new", "1"), ("x-oss-tagging", "a=b")])
            .target(from: Self.source, sameObject: false)
        #expect(target.contentType == "text/csv")
        #expect(target.userMetadata == ["owner": "alice"])
        #expect(target.cacheControl == "no-store")
        #expect(target.taggingQuery == "k=v")
        #expect(target.storageClass == "Archive")
        #expect(target.objectACL == "public-read")
        #expect(target.restore == nil)
        #expect(target.attributes["segment.start"] == nil)
    }

    @Test func replaceDirectivesTakeTheRequests() throws {
        let target = try Self.plan(
            [("x-oss-meta-new", "1"), ("x-oss-tagging", "a=b"), ("x-oss-storage-class", "IA"), ("x-oss-object-acl", "default")],
            replaceMetadata: true, replaceTags: true
        ).target(from: Self.source, sameObject: false)
        #expect(target.contentType == "application/octet-stream")
        #expect(target.userMetadata == ["new": "1"])
        #expect(target.cacheControl == nil)
        #expect(target.taggingQuery == "a=b")
        #expect(target.storageClass == "IA")
        #expect(target.objectACL == nil)
    }

    @Test func ontoItselfKeepsInternalAttributesAndRestore() throws {
        let target = try Self.plan([("x-oss-meta-new", "1")], replaceMetadata: true).target(from: Self.source, sameObject: true)
        #expect(target.userMetadata == ["new": "1"])
        #expect(target.attributes["segment.start"] == "123")
        #expect(target.restore == RestoreState(readyAt: 1, expiresAt: 2))
        #expect(target.taggingQuery == "k=v")
    }

    @Test func appendableSourceBecomesNormal() throws {
        var source = ObjectMetadata(contentType: "text/plain")
        source.objectType = .appendable
        source.etagOverride = "ABC"
        let copied = try Self.plan([]).target(from: source, sameObject: false)
        #expect(copied.objectType == .normal)
        #expect(copied.etagOverride == nil)
        source.objectType = .multipart
        source.etagOverride = "ABC-2"
        let multipart = try Self.plan([]).target(from: source, sameObject: false)
        #expect(multipart.objectType == .multipart)
        #expect(multipart.etagOverride == "ABC-2")
    }

    @Test func directives() throws {
        let values = (copy: "COPY", replace: "REPLACE")
        #expect(try ObjectHandlers.directive([:], "x-oss-metadata-directive", values: values) == false)
        #expect(try ObjectHandlers.directive(HTTPHeaders([("x-oss-metadata-directive", "replace")]), "x-oss-metadata-directive", values: values))
        #expect(throws: OSSError.self) {
            try ObjectHandlers.directive(HTTPHeaders([("x-oss-metadata-directive", "MOVE")]), "x-oss-metadata-directive", values: values)
        }
    }
}

@Suite struct RestoreStatusTests {
    static func info(_ storageClass: String, restore: RestoreState?) -> ObjectInfo {
        var metadata = ObjectMetadata(contentType: "text/plain")
        metadata.storageClass = storageClass
        metadata.restore = restore
        return ObjectInfo(key: "k", size: 1, etag: "E", lastModified: 0, crc64: 0, metadata: metadata)
    }

    @Test func phasesAgainstTheClock() {
        let state = RestoreState(readyAt: 10_000, expiresAt: 86_410_000)
        let info = Self.info("ColdArchive", restore: state)
        #expect(ObjectHandlers.restoreStatus(info, now: 9_999) == "ongoing-request=\"true\"")
        #expect(!ObjectHandlers.isReadable(info, now: 9_999))
        #expect(ObjectHandlers.restoreStatus(info, now: 10_000) == "ongoing-request=\"false\", expiry-date=\"Fri, 02 Jan 1970 00:00:10 GMT\"")
        #expect(ObjectHandlers.isReadable(info, now: 10_000))
        #expect(ObjectHandlers.restoreStatus(info, now: 86_410_000) == nil)
        #expect(!ObjectHandlers.isReadable(info, now: 86_410_000))
    }

    @Test func onlyArchiveClassesAreGated() {
        for storageClass in ["Archive", "ColdArchive", "DeepColdArchive"] {
            #expect(!ObjectHandlers.isReadable(Self.info(storageClass, restore: nil), now: 0))
        }
        for storageClass in ["Standard", "IA"] {
            #expect(ObjectHandlers.isReadable(Self.info(storageClass, restore: nil), now: 0))
            #expect(ObjectHandlers.restoreStatus(Self.info(storageClass, restore: RestoreState(readyAt: 0, expiresAt: 5)), now: 1) == nil)
        }
    }
}
