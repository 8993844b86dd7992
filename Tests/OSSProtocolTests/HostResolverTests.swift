import Testing
@testable import OSSProtocol

@Suite struct HostResolverTests {
    let resolver = HostResolver(baseHosts: ["localhost", "127.0.0.1", "oss.local"])

    func resolve(_ host: String?, _ target: String) throws -> RequestTarget {
        try resolver.resolve(hostHeader: host, requestTarget: target)
    }

    @Test func ipLiteralIsPathStyle() throws {
        let t = try resolve("127.0.0.1:9000", "/bkt/mychannel?live=")
        #expect(t == RequestTarget(bucket: "bkt", key: "mychannel", rawPath: "/bkt/mychannel",
                                   query: [QueryItem(name: "live", value: "")], style: .path, host: "127.0.0.1"))
        // An IP that is not a base host is still path style.
        let other = try resolve("10.1.2.3:80", "/bkt/k")
        #expect(other.bucket == "bkt" && other.key == "k" && other.style == .path)
        let v6 = try resolve("[::1]:9000", "/bkt/k")
        #expect(v6.bucket == "bkt" && v6.host == "[::1]" && v6.style == .path)
    }

    @Test func baseHostIsPathStyleAndCaseInsensitive() throws {
        let t = try resolve("LocalHost:9000", "/bkt/")
        #expect(t.bucket == "bkt" && t.key == nil && t.style == .path && t.host == "localhost")
        let noSlash = try resolve("oss.local", "/bkt")
        #expect(noSlash.bucket == "bkt" && noSlash.key == nil)
    }

    @Test func serviceLevel() throws {
        let t = try resolve("localhost:9000", "/")
        #expect(t.bucket == nil && t.key == nil && t.style == .path)
        #expect(t.emulatorPath == nil)
    }

    @Test func emulatorEndpointsOnlyOnBaseHost() throws {
        #expect(try resolve("127.0.0.1:8080", "/_emulator/health").emulatorPath == "/health")
        #expect(try resolve("127.0.0.1:8080", "/_emulator").emulatorPath == "/")
        let vhost = try resolve("bkt.localhost:8080", "/_emulator/health")
        #expect(vhost.emulatorPath == nil)
        #expect(vhost.bucket == "bkt" && vhost.key == "_emulator/health")
    }

    @Test func bucketDotBaseHostIsVirtualHosted() throws {
        let t = try resolve("bkt.localhost:35799", "/ch1%2Fplaylist.m3u8")
        #expect(t.bucket == "bkt" && t.key == "ch1/playlist.m3u8" && t.style == .virtualHosted)
        #expect(t.rawPath == "/ch1%2Fplaylist.m3u8")
        let root = try resolve("bkt.oss.local", "/?live")
        #expect(root.bucket == "bkt" && root.key == nil && root.query == [QueryItem(name: "live", value: nil)])
    }

    @Test func aliyunEndpointTakesFirstLabel() throws {
        let t = try resolve("bkt.oss-cn-hangzhou.aliyuncs.com", "/a/b.ts")
        #expect(t.bucket == "bkt" && t.key == "a/b.ts" && t.style == .virtualHosted)
        #expect(t.host == "bkt.oss-cn-hangzhou.aliyuncs.com")
    }

    @Test func singleLabelHostIsPathStyle() throws {
        let t = try resolve("emulator:8080", "/bkt/k")
        #expect(t.bucket == "bkt" && t.key == "k" && t.style == .path)
    }

    @Test func cnameMapsToBucket() throws {
        let resolver = HostResolver(baseHosts: ["localhost"], cnames: ["Video.Example.com": "bkt"])
        let t = try resolver.resolve(hostHeader: "video.example.com:80", requestTarget: "/ch/p.m3u8")
        #expect(t.bucket == "bkt" && t.key == "ch/p.m3u8" && t.style == .virtualHosted)
    }

    @Test func absoluteFormHostWins() throws {
        let t = try resolve("127.0.0.1", "http://bkt.oss-cn-hangzhou.aliyuncs.com/key?x=1")
        #expect(t.bucket == "bkt" && t.key == "key" && t.host == "bkt.oss-cn-hangzhou.aliyuncs.com")
        #expect(t.query == [QueryItem(name: "x", value: "1")])
        let bare = try resolve(nil, "HTTP://127.0.0.1:9000?live")
        #expect(bare.bucket == nil && bare.rawPath == "/" && bare.query.has("live"))
        let pathStyle = try resolve(nil, "https://localhost:9000/bkt/a%2Fb")
        #expect(pathStyle.bucket == "bkt" && pathStyle.key == "a/b" && pathStyle.style == .path)
    }

    @Test func keyDecodedOnceAndDoubleSlashKept() throws {
        let t = try resolve("127.0.0.1", "/bkt//a//b%252F%2F")
        #expect(t.key == "/a//b%2F/")
        #expect(t.rawPath == "/bkt//a//b%252F%2F")
        let plus = try resolve("127.0.0.1", "/bkt/a+b%20c")
        #expect(plus.key == "a+b c")
        let dots = try resolve("127.0.0.1", "/bkt/./../x")
        #expect(dots.key == "./../x")
        let utf8 = try resolve("127.0.0.1", "/bkt/%E4%B8%AD")
        #expect(utf8.key == "中")
    }

    @Test func malformedTargetsAre400() {
        for target in ["bkt/k", "*", "/bkt/%zz", "/bkt/%2", "/bkt/%FF", "/bkt/k?a=%G1", "http://h/b/%"] {
            let error = expectOSSError { () throws(OSSError) in try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: target) }
            #expect(error?.status == 400, "\(target)")
            #expect(error?.code == "InvalidURI")
        }
    }

    @Test func missingHostIsPathStyle() throws {
        let t = try resolve(nil, "/bkt/k")
        #expect(t.bucket == "bkt" && t.host == "")
    }

    @Test func ipLiteralDetection() {
        #expect(HostResolver.isIPLiteral("127.0.0.1"))
        #expect(HostResolver.isIPLiteral("[fe80::1]"))
        #expect(!HostResolver.isIPLiteral("256.0.0.1"))
        #expect(!HostResolver.isIPLiteral("1.2.3"))
        #expect(!HostResolver.isIPLiteral("a.b.c.d"))
        #expect(!HostResolver.isIPLiteral("[]"))
        #expect(HostResolver.hostWithoutPort("[::1]:80") == "[::1]")
        #expect(HostResolver.hostWithoutPort("h:80") == "h")
        #expect(HostResolver.hostWithoutPort("h") == "h")
    }
}

@Suite struct QueryTests {
    @Test func flagsInBothShapesArePresent() throws {
        let python = try #require(QueryItem.parse("live=&prefix=&marker=&max-keys=100"))
        let go = try #require(QueryItem.parse("live&max-keys=10&prefix=my"))
        #expect(python.has("live") && go.has("live"))
        #expect(python.value("live") == "" && go.value("live") == "")
        #expect(go.value("marker") == nil && !go.has("marker"))
        #expect(go.value("max-keys") == "10")
        #expect(python.value("prefix") == "")
    }

    @Test func decodesOnceWithPlusAsSpaceInQueriesOnly() throws {
        let items = try #require(QueryItem.parse("prefix=p%2Fx&a+b=c+d%2B&&e=%3D=f&Signature=9muKOFxztXviB%2FTvD45sXieuwh4%3D"))
        // oss2 (via requests) writes a space in a query value as `+`; a real `+` always arrives as %2B.
        #expect(items == [QueryItem(name: "prefix", value: "p/x"), QueryItem(name: "a b", value: "c d+"),
                          QueryItem(name: "e", value: "==f"),
                          QueryItem(name: "Signature", value: "9muKOFxztXviB/TvD45sXieuwh4=")])
        #expect(QueryItem.parse("a=%") == nil)
        #expect(PercentEncoding.decode("a+b") == "a+b")
        #expect(PercentEncoding.decodeQueryComponent("a+b%2B") == "a b+")
    }

    @Test func firstValueWins() throws {
        let items = try #require(QueryItem.parse("a=1&a=2"))
        #expect(items.value("a") == "1")
    }

    @Test func rfc3986Encoding() {
        #expect(PercentEncoding.encodeRFC3986("a b+c/~*", keepSlash: false) == "a%20b%2Bc%2F~%2A")
        #expect(PercentEncoding.encodeRFC3986("1234+-/123/1.txt", keepSlash: true) == "1234%2B-/123/1.txt")
        #expect(PercentEncoding.encodeRFC3986("中", keepSlash: true) == "%E4%B8%AD")
        #expect(PercentEncoding.decode("%e4%b8%ad") == "中")
    }

    @Test func hostPortMustBeADecimalUpTo65535() throws {
        for good in ["localhost", "localhost:", "localhost:0", "localhost:65535", "127.0.0.1:8080", "[::1]", "[::1]:9000", ""] {
            #expect(HostResolver.hasValidPort(good), "\(good)")
            #expect(try HostResolver(baseHosts: ["localhost"]).resolve(hostHeader: good, requestTarget: "/bkt/k").bucket == "bkt", "\(good)")
        }
        for bad in ["localhost:65536", "localhost:99999", "localhost:abc", "localhost:-1", "localhost:+80", "localhost:000080",
                    "[::1]x", "[::1]:port", "bkt.localhost:1a"] {
            #expect(!HostResolver.hasValidPort(bad), "\(bad)")
            let error = expectOSSError { () throws(OSSError) in _ = try HostResolver(baseHosts: ["localhost"]).resolve(hostHeader: bad, requestTarget: "/bkt/k") }
            #expect(error?.status == 400 && error?.code == "InvalidArgument" && error?.detail("ArgumentName") == "Host", "\(bad)")
        }
        // An absolute-form target's authority is checked the same way.
        let error = expectOSSError { () throws(OSSError) in _ = try HostResolver(baseHosts: ["localhost"]).resolve(hostHeader: "localhost", requestTarget: "http://bkt.oss-cn-hangzhou.aliyuncs.com:99999/k") }
        #expect(error?.code == "InvalidArgument")
    }
}

