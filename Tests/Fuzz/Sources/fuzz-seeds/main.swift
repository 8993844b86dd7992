// Writes the seed inputs of every fuzz target from real data: the fixture FLV
// files, the bytes the project's own RTMP client sends while publishing them,
// playlists as the emulator renders them, requests signed the way the SDKs
// sign them, and the request bodies and headers the SDKs send.
//   fuzz-seeds <fixtures dir> <output dir>
// scripts/fuzz.sh --seeds runs it and merges the result into Tests/Fuzz/Corpus.
import Foundation
import MediaFormats
import OSSProtocol
import RTMP

let arguments = CommandLine.arguments
guard arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: fuzz-seeds <fixtures dir> <output dir>\n".utf8))
    exit(2)
}
let fixtures = URL(fileURLWithPath: arguments[1])
let output = URL(fileURLWithPath: arguments[2])

func write(_ target: String, _ name: String, _ bytes: [UInt8]) {
    let dir = output.appendingPathComponent(target)
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try! Data(bytes).write(to: dir.appendingPathComponent(name))
}

func write(_ target: String, _ name: String, _ text: String) {
    write(target, name, Array(text.utf8))
}

/// CRLF line ends, as HTTP wants them.
func http(_ lines: [String], body: String = "") -> String {
    lines.joined(separator: "\r\n") + "\r\n\r\n" + body
}

// MARK: - FLV, codec configuration, RTMP

let fixtureNames = try! FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".flv") }.sorted()
var firstTags: [(name: String, tags: [FLVTag], header: FLVFileReader.Header)] = []
for name in fixtureNames {
    let bytes = [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent(name)))
    var reader = try! FLVFileReader(bytes: bytes)
    var tags: [FLVTag] = []
    var size = 0
    // The opening of each file: metadata, sequence headers, the first key
    // frame and some audio, small enough for the fuzzer's max_len.
    while let tag = try! reader.next(), size + tag.payload.count < 16_000 || tags.count < 4 {
        tags.append(tag)
        size += tag.payload.count + 15
        if tags.count >= 40 { break }
    }
    firstTags.append((name, tags, reader.header))
    var writer = FLVFileWriter(hasAudio: reader.header.hasAudio, hasVideo: reader.header.hasVideo)
    for tag in tags { try! writer.append(tag) }
    write("flv", name, writer.bytes)

    for tag in tags.prefix(12) {
        switch FLVTagType(rawValue: tag.type) {
        case .video?:
            write("codec-config", "\(name)-video-\(tag.timestamp)", [4] + Array(tag.payload.prefix(2048)))
            if case .avc(let packet)? = try? FLVVideoPayload(parsing: tag.payload) {
                if packet.packetType == .sequenceHeader, let config = try? AVCDecoderConfigurationRecord(parsing: packet.body) {
                    write("codec-config", "\(name)-avcc", [0] + Array(packet.body))
                    for sps in config.sequenceParameterSets { write("codec-config", "\(name)-sps", [1] + sps) }
                } else if packet.packetType == .nalUnits {
                    write("codec-config", "\(name)-access-unit", [3] + Array(packet.body.prefix(2048)))
                }
            }
        case .audio?:
            write("codec-config", "\(name)-audio", [5] + Array(tag.payload.prefix(256)))
            if case .aacSequenceHeader(let asc)? = try? FLVAudioPayload(parsing: tag.payload) {
                write("codec-config", "\(name)-asc", [2] + Array(asc))
            }
        case .script?:
            // onMetaData: an AMF0 string and an ECMA array.
            write("amf0", "\(name)-onMetaData", Array(tag.payload))
        case nil:
            break
        }
    }
}

/// What the project's RTMP client sends after the handshake when publishing
/// `tags`, answered by the server session; with the messages it sent.
func publishBytes(_ tags: [FLVTag], stream: String) -> [UInt8] {
    let now = ContinuousClock.now
    var client = ClientSession(configuration: .init(app: "live", tcUrl: "rtmp://127.0.0.1:1935/live", streamName: stream),
                               now: now)
    var server = ServerSession(now: now)
    var toServer = client.start().bytes
    var sent: [UInt8] = []
    var handshakeDone = false
    for _ in 0..<20 {
        let fromServer = server.receive(toServer, now: now)
        if handshakeDone { sent += toServer }
        handshakeDone = handshakeDone || server.handshakeMode != nil
        var reply = fromServer.bytes
        for event in fromServer.events {
            if case .publishRequested = event { reply += server.acceptPublish(now: now).bytes }
        }
        let answer = client.receive(reply, now: now)
        toServer = answer.bytes
        if client.isPublishing { break }
    }
    // The fuzz target sends C0+C1 and C2 itself: drop this C2 (1536 bytes).
    sent = Array(sent.dropFirst(1536))
    for tag in tags {
        switch FLVTagType(rawValue: tag.type) {
        case .audio?: sent += try! client.sendAudio(timestamp: tag.timestamp, payload: Array(tag.payload))
        case .video?: sent += try! client.sendVideo(timestamp: tag.timestamp, payload: Array(tag.payload))
        case .script?: sent += try! client.sendMetadata(timestamp: tag.timestamp, scriptData: Array(tag.payload))
        case nil: break
        }
    }
    sent += toServer + client.unpublish().bytes
    return sent
}

for (name, tags, _) in firstTags {
    let bytes = publishBytes(Array(tags.prefix(10)), stream: "fuzz-channel")
    write("rtmp-session", name, Array(bytes.prefix(24_000)))
    write("rtmp-chunks", name, Array(bytes.prefix(24_000)))
}
let commandsOnly = publishBytes([], stream: "fuzz-channel?OSSAccessKeyId=fuzz-key&Expires=1700003600&Signature=abc%3D")
write("rtmp-session", "commands-signed", commandsOnly)
write("rtmp-chunks", "commands-signed", commandsOnly)
do {
    var decoder = ChunkDecoder()
    decoder.append(commandsOnly)
    var index = 0
    while let message = try? decoder.nextMessage() {
        if [RTMPMessageType.amf0Command, RTMPMessageType.amf0Data].contains(message.typeID) {
            write("amf0", "command-\(index)", message.payload)
            index += 1
        }
    }
}
write("amf0", "nested", AMF0Encoder.encode([
    .string("onMetaData"),
    .ecmaArray([AMF0Property("duration", .number(0)), AMF0Property("encoder", .string("Lavf60")),
                AMF0Property("flags", .object([AMF0Property("a", .boolean(true)), AMF0Property("b", .null)]))]),
    .strictArray([.number(1), .undefined, .date(milliseconds: 1.7e12, timeZone: 0), .longString("long")]),
]))

// MARK: - Playlists

var live = HLSLivePlaylist(windowSize: 3, minimumTargetDuration: 2)
for index in 0..<5 {
    _ = live.append(HLSPlaylistEntry(uri: "\(1_700_000_000 + index).ts", duration: 2.002 + Double(index) * 0.1,
                                     discontinuityBefore: index == 3))
}
write("hls-playlist", "live", live.render())
live.end()
write("hls-playlist", "ended", live.render())
write("hls-playlist", "vod", HLSVODPlaylist.render(entries: [
    HLSPlaylistEntry(uri: "channel/1.ts", duration: 5), HLSPlaylistEntry(uri: "channel/2.ts", duration: 4.5, discontinuityBefore: true),
]))
write("hls-playlist", "variations",
      "#EXTM3U\r\n#EXT-X-VERSION:3\r\n\r\n#EXT-X-TARGETDURATION:6\r\n#EXT-X-MEDIA-SEQUENCE:7\r\n#EXT-X-DISCONTINUITY-SEQUENCE:2\r\n"
      + "#EXT-X-PROGRAM-DATE-TIME:2023-11-14T22:13:20Z\r\n#EXTINF:5,title\r\nseg-7.ts\r\n#EXTINF:6.006,\r\nseg-8.ts\r\n#EXT-X-ENDLIST\r\n")

// MARK: - HTTP

let xmlDeclaration = #"<?xml version="1.0" encoding="UTF-8"?>"#
let deleteBody = xmlDeclaration + "<Delete><Quiet>true</Quiet><Object><Key>a.txt</Key></Object><Object><Key>dir/b&amp;c.txt</Key></Object></Delete>"
write("http-request", "put-object", http([
    "PUT /bucket/key.txt HTTP/1.1", "Host: 127.0.0.1:8080", "Accept-Encoding: identity", "User-Agent: aliyun-sdk-python/2.19.1",
    "Content-Length: 11", "Content-Type: text/plain", "date: Tue, 14 Nov 2023 22:13:20 GMT",
    "authorization: OSS fuzz-key:Vq6mT4WlY2lN8/pe0VbSNmhXoyg=",
], body: "hello world"))
write("http-request", "chunked-pipelined", http([
    "PUT /bucket/stream.bin HTTP/1.1", "Host: bucket.oss-cn-hangzhou.aliyuncs.com", "Transfer-Encoding: chunked",
    "Expect: 100-continue",
], body: "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n") + http(["GET /bucket/stream.bin HTTP/1.1", "Host: h", "Range: bytes=0-4", "Connection: close"]))
write("http-request", "post-delete", http([
    "POST /bucket/?delete HTTP/1.1", "Host: 127.0.0.1", "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==", "Content-Length: \(deleteBody.utf8.count)",
], body: deleteBody))
write("http-request", "http10-get", "GET /?prefix=a%2Fb&max-keys=10 HTTP/1.0\nHost: localhost\n\n\r\nHEAD /b/k HTTP/1.1\r\nHost: x\r\n\r\n")

write("http-response", "callback-json", http(["HTTP/1.1 200 OK", "Content-Type: application/json", "Content-Length: 16"], body: #"{"Status":"OK"}"# + "\n"))
write("http-response", "continue-chunked", http(["HTTP/1.1 100 Continue"]) + http(["HTTP/1.1 203 OK", "Transfer-Encoding: chunked"], body: "4\r\nabcd\r\n0\r\n\r\n"))
write("http-response", "close-delimited", http(["HTTP/1.0 500 Internal Server Error", "Connection: close"], body: "oops"))
write("http-response", "no-content", http(["HTTP/1.1 204 No Content", "Server: x"]))

let boundary = "9431149156168"
let form = [
    "--\(boundary)", #"Content-Disposition: form-data; name="key""#, "", "user/${filename}",
    "--\(boundary)", #"Content-Disposition: form-data; name="policy""#, "", "eyJleHBpcmF0aW9uIjoiMjAzMC0wMS0wMVQwMDowMDowMFoifQ==",
    "--\(boundary)", #"Content-Disposition: form-data; name="file"; filename="photo.jpg""#, "Content-Type: image/jpeg", "", "\u{FF}\u{D8}jpeg bytes",
    "--\(boundary)", #"Content-Disposition: form-data; name="submit""#, "", "Upload", "--\(boundary)--", "",
].joined(separator: "\r\n")
write("multipart-form", "post-object", "multipart/form-data; boundary=\(boundary)\n" + form)
write("multipart-form", "quoted-boundary", "multipart/form-data; charset=utf-8; boundary=\"a b\"\n--a b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n--a b--")

// MARK: - XML bodies

write("xml", "live-channel", xmlDeclaration + """
<LiveChannelConfiguration><Description>fuzz</Description><Status>enabled</Status><Target><Type>HLS</Type>\
<FragDuration>2</FragDuration><FragCount>3</FragCount><PlaylistName>playlist.m3u8</PlaylistName></Target>\
<Snapshot><RoleName>role</RoleName><DestBucket>snap</DestBucket><NotifyTopic>topic</NotifyTopic><Interval>1</Interval></Snapshot>\
</LiveChannelConfiguration>
""")
write("xml", "delete", deleteBody)
write("xml", "complete-multipart", xmlDeclaration + """
<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"3858F62230AC3C915F300C664312C11F"</ETag></Part>\
<Part><PartNumber>2</PartNumber><ETag>"0CC175B9C0F1B6A831C399E269772661"</ETag></Part></CompleteMultipartUpload>
""")
write("xml", "tagging", "<Tagging><TagSet><Tag><Key>k1</Key><Value>v1</Value></Tag><Tag><Key>a b</Key><Value><![CDATA[x<y]]></Value></Tag></TagSet></Tagging>")
write("xml", "restore", "<RestoreRequest><Days>2</Days><JobParameters><Tier>Expedited</Tier></JobParameters></RestoreRequest>")
write("xml", "create-bucket", "<?xml version='1.0'?>\n<!-- comment --><CreateBucketConfiguration a=\"1\"><StorageClass>IA</StorageClass><DataRedundancyType>ZRS</DataRedundancyType></CreateBucketConfiguration>")
write("xml", "entities", "<Tagging><TagSet><Tag><Key>&#x4e2d;&#25991;&lt;&gt;&quot;&apos;</Key><Value/></Tag></TagSet><?pi x?></Tagging>")

// MARK: - Signed requests

let now: Int64 = 1_700_000_000
let date = OSSTime.httpDate(now)
let credential = Credential(accessKeyId: "fuzz-key", accessKeySecret: "fuzz-secret")

func requestText(_ method: String, _ target: String, _ headers: [(String, String)]) -> String {
    ([method + " " + target] + headers.map { $0.0 + ": " + $0.1 }).joined(separator: "\n") + "\n\n"
}

do {
    // V1 header, as oss2 signs a PUT.
    let headers = [("Host", "127.0.0.1:8080"), ("Content-Type", "text/plain"), ("Date", date), ("x-oss-meta-a", "1")]
    let toSign = V1Signature.stringToSign(method: "PUT", contentMD5: "", contentType: "text/plain", date: date,
                                          ossHeaders: ["x-oss-meta-a": "1"], bucket: "bucket", key: "dir/key.txt", query: [])
    let signature = V1Signature.sign(secret: credential.accessKeySecret, stringToSign: toSign)
    write("auth", "v1-header", requestText("PUT", "/bucket/dir/key.txt", headers + [("Authorization", "OSS fuzz-key:" + signature)]))

    // V1 presigned GET on a virtual-hosted bucket.
    let expires = String(now + 3600)
    let presign = V1Signature.stringToSign(method: "GET", contentMD5: "", contentType: "", date: expires, ossHeaders: [:],
                                           bucket: "bucket", key: "a b.txt", query: [QueryItem(name: "acl", value: nil)])
    let query = "acl&OSSAccessKeyId=fuzz-key&Expires=\(expires)&Signature="
        + PercentEncoding.encodeRFC3986(V1Signature.sign(secret: credential.accessKeySecret, stringToSign: presign), keepSlash: false)
    write("auth", "v1-presigned", requestText("GET", "/a%20b.txt?" + query, [("Host", "bucket.oss-cn-hangzhou.aliyuncs.com")]))

    // V4 header.
    let timestamp = OSSTime.iso8601Basic(now)
    let scope = V4Signature.CredentialScope(accessKeyId: "fuzz-key", date: OSSTime.scopeDate(now), region: "cn-hangzhou")
    let v4Headers = ["x-oss-date": timestamp, "x-oss-content-sha256": V4Signature.unsignedPayload, "host": "127.0.0.1"]
    let canonical = V4Signature.canonicalRequest(method: "GET", bucket: "bucket", key: "k", query: [QueryItem(name: "tagging", value: nil)],
                                                 headers: v4Headers, additionalHeaders: ["host"])
    let v4 = V4Signature.sign(secret: credential.accessKeySecret, scope: scope,
                              stringToSign: V4Signature.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical))
    write("auth", "v4-header", requestText("GET", "/bucket/k?tagging", [
        ("Host", "127.0.0.1"), ("x-oss-date", timestamp), ("x-oss-content-sha256", V4Signature.unsignedPayload),
        ("Authorization", "\(V4Signature.algorithm) Credential=fuzz-key/\(scope.date)/cn-hangzhou/oss/aliyun_v4_request,AdditionalHeaders=host,Signature=\(v4)"),
    ]))
    write("auth", "v2-header", requestText("GET", "/bucket/k", [
        ("Host", "127.0.0.1"), ("Date", date), ("Authorization", "OSS2 AccessKeyId:fuzz-key,AdditionalHeaders:host,Signature:abc="),
    ]))
    write("auth", "v4-presigned", requestText("GET", "/bucket/k?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=fuzz-key%2F20231114%2Fcn-hangzhou%2Foss%2Faliyun_v4_request&x-oss-date=\(timestamp)&x-oss-expires=60&x-oss-signature=00", [("Host", "localhost")]))

    // A signed RTMP publish URL: rtmp://host/bucket/live/channel?...
    let parameters = RTMPURLSignature.signedParameters(credential: credential, expires: now + 3600,
                                                       parameters: [QueryItem(name: "playlistName", value: "p.m3u8")],
                                                       bucket: "bucket", channel: "channel")
    let rtmpQuery = parameters.map { $0.name + "=" + PercentEncoding.encodeRFC3986($0.value ?? "", keepSlash: false) }.joined(separator: "&")
    write("auth", "rtmp-signed", requestText("GET", "/bucket/live/channel?" + rtmpQuery, [("Host", "127.0.0.1:1935")]))
    write("auth", "rtmp-virtual-host", requestText("GET", "/live/channel?playlistName=x.m3u8", [("Host", "bucket.oss-cn-hangzhou.aliyuncs.com")]))
}

// MARK: - JSON and header values

write("json", "post-policy", #"{"expiration":"2030-01-01T12:00:00.000Z","conditions":[{"bucket":"fuzz-bucket"},["starts-with","$key","user/"],["content-length-range",1,1048576],["eq","$success_action_status","201"],["in","$content-type",["image/jpeg","image/png"]],["not-in","$x-oss-meta-tag",["b"]]]}"#)
write("json", "callback", #"{"callbackUrl":"http://127.0.0.1:9000/cb;http://[::1]/x","callbackHost":"cb.example.com","callbackBody":"bucket=${bucket}&object=${object}&size=${size}&my=${x:a}","callbackBodyType":"application/x-www-form-urlencoded","callbackSNI":true}"#)
write("json", "variables", #"{"x:a":"1","x:b":"\u4e2d\n"}"#)
write("json", "numbers", "[1, -0.5e+10, 1E400, true, false, null, \"\\ud83d\\ude00\", {\"\": []}]")
for (name, value) in [
    ("range", "bytes=0-99"), ("range-suffix", "bytes=-500"), ("copy-source", "/source-bucket/dir/a%20b.txt?versionId=CAEQ"),
    ("tagging", "k1=v1&a%20b=c%2Bd&empty="), ("storage-class", "ColdArchive"), ("acl", "public-read-write"),
    ("content-md5", "XrY7u+Ae7tCTyyK7j1rNww=="), ("boundary", "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW"),
    ("list-query", "prefix=a%2F&delimiter=%2F&max-keys=100&marker=b&list-type=2&continuation-token=x&fetch-owner=true"),
    ("vod-query", "vod&startTime=1700000000&endTime=1700003600"), ("uploads-query", "uploads&key-marker=k&upload-id-marker=u&max-uploads=5&max-parts=3&part-number-marker=2"),
    ("vod-key", "channel/vod.m3u8"),
] {
    write("object-headers", name, value)
}
print("seeds written to \(output.path)")
