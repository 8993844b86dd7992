import Testing
@testable import OSSProtocol

/// Real OSS domains, as SDKs configured with their normal endpoint send them
/// (directly or through an HTTP proxy, in absolute form).
@Suite struct OSSEndpointTests {
    let resolver = HostResolver(baseHosts: ["localhost"])

    func resolve(_ host: String?, _ target: String) throws -> RequestTarget {
        try resolver.resolve(hostHeader: host, requestTarget: target)
    }

    @Test func regionEndpointIsServiceLevelNotABucket() throws {
        for host in ["oss-cn-hangzhou.aliyuncs.com", "OSS-CN-HANGZHOU.ALIYUNCS.COM:80", "oss-cn-hangzhou-internal.aliyuncs.com",
                     "oss-accelerate.aliyuncs.com", "oss.aliyuncs.com", "cn-hangzhou.oss.aliyuncs.com",
                     "oss-cn-shanghai.aliyun-inc.com"] {
            let t = try resolve(host, "/")
            #expect(t.bucket == nil && t.key == nil && t.style == .path, "\(host)")
        }
        let pathStyle = try resolve("oss-cn-hangzhou.aliyuncs.com", "/bkt/a%2Fb")
        #expect(pathStyle.bucket == "bkt" && pathStyle.key == "a/b" && pathStyle.style == .path)
    }

    @Test func bucketUnderAnEndpointIsVirtualHosted() throws {
        for host in ["bkt.oss-cn-hangzhou.aliyuncs.com", "bkt.cn-hangzhou.oss.aliyuncs.com", "bkt.oss-accelerate.aliyuncs.com"] {
            let t = try resolve(host, "/k")
            #expect(t.bucket == "bkt" && t.key == "k" && t.style == .virtualHosted, "\(host)")
        }
        // A bucket whose own name starts like an endpoint label.
        let t = try resolve("oss-data.oss-cn-hangzhou.aliyuncs.com", "/")
        #expect(t.bucket == "oss-data" && t.key == nil)
    }

    @Test func endpointRecognition() {
        #expect(HostResolver.isOSSEndpoint("oss-eu-central-1.aliyuncs.com"))
        #expect(!HostResolver.isOSSEndpoint("oss-.aliyuncs.com"))
        #expect(!HostResolver.isOSSEndpoint("bkt.oss-cn-hangzhou.aliyuncs.com"))
        #expect(!HostResolver.isOSSEndpoint("ecs.aliyuncs.com"))
        #expect(!HostResolver.isOSSEndpoint("oss-cn-hangzhou.example.com"))
        #expect(!HostResolver.isOSSEndpoint(".oss.aliyuncs.com"))
        #expect(!HostResolver.isOSSEndpoint("aliyuncs.com"))
    }

    @Test func absoluteFormThroughAProxy() throws {
        let object = try resolve("bkt.oss-cn-hangzhou.aliyuncs.com", "http://bkt.oss-cn-hangzhou.aliyuncs.com/live/a%2Fb.ts?x=1")
        #expect(object.bucket == "bkt" && object.key == "live/a/b.ts" && object.style == .virtualHosted)
        let service = try resolve("oss-cn-hangzhou.aliyuncs.com", "http://oss-cn-hangzhou.aliyuncs.com/")
        #expect(service.bucket == nil && service.key == nil)
        // The target's host wins over a Host header that disagrees.
        let mixed = try resolve("127.0.0.1:8080", "http://other.oss-cn-hangzhou.aliyuncs.com:80/k")
        #expect(mixed.bucket == "other" && mixed.host == "other.oss-cn-hangzhou.aliyuncs.com")
    }

    @Test func emulatorEndpointsNeverOnAnOSSDomain() throws {
        #expect(try resolve("localhost:8080", "/_emulator/health").emulatorPath == "/health")
        #expect(try resolve("emulator:8080", "/_emulator/health").emulatorPath == "/health")
        #expect(try resolve(nil, "/_emulator/health").emulatorPath == "/health")
        #expect(try resolve("oss-cn-hangzhou.aliyuncs.com", "/_emulator/health").emulatorPath == nil)
        #expect(try resolve(nil, "http://oss-cn-hangzhou.aliyuncs.com/_emulator/health").emulatorPath == nil)
        #expect(try resolve(nil, "http://bkt.oss-cn-hangzhou.aliyuncs.com/_emulator/health").emulatorPath == nil)
        #expect(try resolve("bkt.localhost", "/_emulator/health").emulatorPath == nil)
        // Unless the OSS domain is configured as a base host.
        let configured = HostResolver(baseHosts: ["oss-cn-hangzhou.aliyuncs.com"])
        let target = try configured.resolve(hostHeader: nil, requestTarget: "http://oss-cn-hangzhou.aliyuncs.com/_emulator/health")
        #expect(target.emulatorPath == "/health")
    }
}
