import Testing
@testable import OSSProtocol

/// Host parsing reads plain-ASCII hosts byte by byte and anything else by
/// characters; both readings must give what the Host header means.
@Suite struct HostBytesTests {
    @Test func hostWithoutPortInBothReadings() {
        let cases: [(String, String)] = [
            ("h:80", "h"), ("h", "h"), ("h:", "h"), ("a:b:c", "a:b"), ("[::1]:80", "[::1]"), ("[::1", "[::1"),
            ("[::1]", "[::1]"), ("", ""), ("bkt.Example.COM:9000", "bkt.Example.COM"),
            ("bücket.example.com:80", "bücket.example.com"), ("[fé::1]:80", "[fé::1]"), ("é", "é"),
        ]
        for (input, expected) in cases {
            #expect(HostResolver.hostWithoutPort(input) == expected, "\(input)")
        }
    }

    @Test func portRulesInBothReadings() {
        for good in ["h:1", "h:65535", "[::1]:0", "hé:80", "[é]:80", "hé"] {
            #expect(HostResolver.hasValidPort(good), "\(good)")
        }
        for bad in ["h:123456", "h:65536", "h: 80", "h:8é", "[é]x", "hé:65536", "h:٣"] {
            #expect(!HostResolver.hasValidPort(bad), "\(bad)")
        }
    }

    @Test func ipLiteralsInBothReadings() {
        for literal in ["0.0.0.0", "255.255.255.255", "1.2.3.4", "[::1]", "[FE80::1%25]", "[::ffff:1.2.3.4]"] {
            #expect(HostResolver.isIPLiteral(literal), "\(literal)")
        }
        for other in ["1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.0256", "1.2.3.4a", "[1.2.3.4]", "[g::1]",
                      "[::1", "١.2.3.4", "[::é]", "localhost"] {
            #expect(!HostResolver.isIPLiteral(other), "\(other)")
        }
    }

    @Test func lowerCasingAndSuffixes() {
        #expect(HostResolver.lowercasedHost("bkt.example.com") == "bkt.example.com")
        #expect(HostResolver.lowercasedHost("BKT.Example.com") == "bkt.example.com")
        #expect(HostResolver.lowercasedHost("ÀB.example.com") == "àb.example.com")
        #expect(HostResolver.hasDottedSuffix("b.example.com", "example.com"))
        #expect(!HostResolver.hasDottedSuffix("bexample.com", "example.com"))
        #expect(!HostResolver.hasDottedSuffix("example.com", "example.com"))
        #expect(HostResolver.hasDottedSuffix("é.example.com", "example.com"))
    }

    @Test func upperCaseAndIPv4HostsResolveAsBefore() throws {
        let resolver = HostResolver(baseHosts: ["oss.local"])
        let virtual = try resolver.resolve(hostHeader: "BKT.OSS.Local:9000", requestTarget: "/k")
        #expect(virtual.bucket == "bkt" && virtual.key == "k" && virtual.host == "bkt.oss.local")
        let path = try resolver.resolve(hostHeader: "127.0.0.1:9000", requestTarget: "/bkt/k")
        #expect(path.bucket == "bkt" && path.key == "k" && path.style == .path && path.isEmulatorHost)
        let absolute = try resolver.resolve(hostHeader: "ignored", requestTarget: "HTTP://bkt.oss.local/k?acl")
        #expect(absolute.bucket == "bkt" && absolute.query.has("acl"))
    }

    /// Targets outside printable ASCII are split by characters: a `/` or `?`
    /// carrying a combining mark is not a separator.
    @Test func nonASCIITargetsSplitByCharacters() throws {
        let resolver = HostResolver(baseHosts: ["oss.local"])
        let marked = try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: "/bkt/\u{301}x")
        #expect(marked.bucket == "bkt/\u{301}x" && marked.key == nil)
        let query = try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: "/bkt/k?\u{301}acl")
        #expect(query.key == "k?\u{301}acl" && query.query.isEmpty)
        let plain = try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: "/bkt/dir/é?acl")
        #expect(plain.bucket == "bkt" && plain.key == "dir/é" && plain.query.has("acl"))
        let ascii = try resolver.resolve(hostHeader: "127.0.0.1", requestTarget: "/bkt/a%2Fb/c?uploads&x=1")
        #expect(ascii.bucket == "bkt" && ascii.key == "a/b/c" && ascii.query.has("uploads") && ascii.rawPath == "/bkt/a%2Fb/c")
    }
}
