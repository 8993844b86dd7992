import Testing
@testable import OSSProtocol

@Suite struct OperationNameTests {
    static func name(_ method: String, _ bucket: String?, _ key: String?, _ query: String = "", headers: [String: String] = [:]) -> String {
        OperationName.of(method: method, bucket: bucket, key: key, query: QueryItem.parse(query[...]) ?? []) { headers[$0] }
    }

    @Test func namesOperationsAsTheOSSReferenceDoes() {
        let copy = ["x-oss-copy-source": "/b/src"]
        let cases: [(String, String)] = [
            (Self.name("GET", nil, nil), "ListBuckets"),
            (Self.name("PUT", "b", nil), "PutBucket"),
            (Self.name("PUT", "b", nil, "acl"), "PutBucketAcl"),
            (Self.name("GET", "b", nil), "ListObjects"),
            (Self.name("GET", "b", nil, "list-type=2"), "ListObjectsV2"),
            (Self.name("GET", "b", nil, "bucketInfo"), "GetBucketInfo"),
            (Self.name("GET", "b", nil, "uploads"), "ListMultipartUploads"),
            (Self.name("GET", "b", nil, "live"), "ListLiveChannel"),
            (Self.name("POST", "b", nil, "delete"), "DeleteMultipleObjects"),
            (Self.name("POST", "b", nil), "PostObject"),
            (Self.name("DELETE", "b", nil), "DeleteBucket"),
            (Self.name("PUT", "b", "k"), "PutObject"),
            (Self.name("PUT", "b", "k", headers: copy), "CopyObject"),
            (Self.name("GET", "b", "k"), "GetObject"),
            (Self.name("HEAD", "b", "k"), "HeadObject"),
            (Self.name("HEAD", "b", "k", "objectMeta"), "GetObjectMeta"),
            (Self.name("DELETE", "b", "k"), "DeleteObject"),
            (Self.name("POST", "b", "k", "append&position=0"), "AppendObject"),
            (Self.name("POST", "b", "k", "uploads"), "InitiateMultipartUpload"),
            (Self.name("PUT", "b", "k", "partNumber=1&uploadId=u"), "UploadPart"),
            (Self.name("PUT", "b", "k", "partNumber=1&uploadId=u", headers: copy), "UploadPartCopy"),
            (Self.name("POST", "b", "k", "uploadId=u"), "CompleteMultipartUpload"),
            (Self.name("DELETE", "b", "k", "uploadId=u"), "AbortMultipartUpload"),
            (Self.name("GET", "b", "k", "uploadId=u"), "ListParts"),
            (Self.name("PUT", "b", "k", "acl"), "PutObjectACL"),
            (Self.name("GET", "b", "k", "symlink"), "GetSymlink"),
            (Self.name("DELETE", "b", "k", "tagging"), "DeleteObjectTagging"),
            (Self.name("POST", "b", "k", "restore"), "RestoreObject"),
            (Self.name("PUT", "b", "cam", "live"), "PutLiveChannel"),
            (Self.name("PUT", "b", "cam", "live&status=disabled"), "PutLiveChannelStatus"),
            (Self.name("GET", "b", "cam", "live"), "GetLiveChannelInfo"),
            (Self.name("GET", "b", "cam", "live&comp=stat"), "GetLiveChannelStat"),
            (Self.name("GET", "b", "cam", "live&comp=history"), "GetLiveChannelHistory"),
            (Self.name("DELETE", "b", "cam", "live"), "DeleteLiveChannel"),
            (Self.name("POST", "b", "cam/vod.m3u8", "vod&endTime=2&startTime=1"), "PostVodPlaylist"),
            (Self.name("GET", "b", "cam", "vod&endTime=2&startTime=1"), "GetVodPlaylist"),
            (Self.name("OPTIONS", "b", "k"), "Options"),
        ]
        for (got, expected) in cases { #expect(got == expected) }
    }
}
