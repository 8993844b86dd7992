import BucketConfig
import OSSProtocol
import Testing


@Suite struct CORSConfigurationTests {
    static let document = """
        <CORSConfiguration><CORSRule><AllowedOrigin>https://*.example.com</AllowedOrigin>\
        <AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>x-oss-*</AllowedHeader>\
        <ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>100</MaxAgeSeconds></CORSRule>\
        <CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod></CORSRule>\
        <ResponseVary>true</ResponseVary></CORSConfiguration>
        """

    @Test func parsesAndWritesBack() throws {
        let cors = try CORSConfiguration.parse(bytes(Self.document))
        #expect(cors.rules.count == 2)
        #expect(cors.rules[0].maxAgeSeconds == 100)
        #expect(cors.responseVary)
        #expect(try CORSConfiguration.parse(cors.document()) == cors)
    }

    @Test func preflightFollowsTheFirstMatchingRule() throws {
        let cors = try CORSConfiguration.parse(bytes(Self.document))
        let allowed = try #require(cors.preflight(origin: "https://a.example.com", method: "GET", requestHeaders: "X-OSS-Meta-A"))
        let headers = Dictionary(allowed, uniquingKeysWith: { a, _ in a })
        #expect(headers["Access-Control-Allow-Origin"] == "https://a.example.com")
        #expect(headers["Access-Control-Allow-Methods"] == "GET, HEAD")
        #expect(headers["Access-Control-Allow-Headers"] == "X-OSS-Meta-A")
        #expect(headers["Access-Control-Expose-Headers"] == "ETag")
        #expect(headers["Access-Control-Max-Age"] == "100")
        #expect(headers["Vary"] == "Origin")
        // The second rule allows PUT from anywhere, and names the origin too.
        let put = try #require(cors.preflight(origin: "http://other.test", method: "PUT", requestHeaders: nil))
        #expect(put.first { $0.0 == "Access-Control-Allow-Origin" }?.1 == "http://other.test")
    }

    @Test func preflightRefusals() throws {
        let cors = try CORSConfiguration.parse(bytes(Self.document))
        #expect(cors.preflight(origin: "https://example.org", method: "GET", requestHeaders: nil) == nil)
        #expect(cors.preflight(origin: "https://a.example.com", method: "GET", requestHeaders: "Authorization") == nil)
        #expect(cors.preflight(origin: "https://a.example.com", method: "DELETE", requestHeaders: nil) == nil)
    }

    @Test func actualRequestsGetHeadersOnlyWhenARuleAllowsThem() throws {
        let cors = try CORSConfiguration.parse(bytes(Self.document))
        #expect(cors.actual(origin: "https://a.example.com", method: "GET").contains { $0.0 == "Access-Control-Allow-Origin" })
        let refused = cors.actual(origin: "https://example.org", method: "GET")
        #expect(!refused.contains { $0.0 == "Access-Control-Allow-Origin" })
        #expect(refused.contains { $0 == ("Vary", "Origin") })
    }

    @Test func validation() throws {
        let rule = "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
        let eleven = "<CORSConfiguration>" + String(repeating: rule, count: CORSConfiguration.maxRules + 1) + "</CORSConfiguration>"
        #expect(throws: OSSError.self) { try CORSConfiguration.parse(bytes(eleven)) }
        let ten = "<CORSConfiguration>" + String(repeating: rule, count: CORSConfiguration.maxRules) + "</CORSConfiguration>"
        #expect(try CORSConfiguration.parse(bytes(ten)).rules.count == CORSConfiguration.maxRules)
        for bad in [
            "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule></CORSConfiguration>",
            "<CORSConfiguration><CORSRule><AllowedOrigin>*a*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
            "<CORSConfiguration><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
            "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>*</ExposeHeader></CORSRule></CORSConfiguration>",
        ] {
            #expect(throws: OSSError.self) { try CORSConfiguration.parse(bytes(bad)) }
        }
    }
}

@Suite struct RefererConfigurationTests {
    @Test func wildcardsAndTruncation() throws {
        let config = try RefererConfiguration.parse(bytes("""
            <RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer>\
            <RefererList><Referer>http://*.example.com</Referer><Referer>https://www.aliyun?.com</Referer></RefererList>\
            <RefererBlacklist><Referer>http://bad.example.com</Referer></RefererBlacklist></RefererConfiguration>
            """))
        #expect(config.allowTruncateQueryString)
        #expect(config.check(referer: "http://a.example.com") == .allowed)
        #expect(config.check(referer: "http://a.example.com?x=1") == .allowed)
        #expect(config.check(referer: "https://www.aliyun1.com") == .allowed)
        #expect(config.check(referer: "https://www.aliyun12.com") == .denied(ec: RefererConfiguration.notWhitelistedEC))
        #expect(config.check(referer: "http://bad.example.com") == .denied(ec: RefererConfiguration.blacklistedEC))
        #expect(config.check(referer: nil) == .denied(ec: RefererConfiguration.emptyRefererEC))
        #expect(config.check(referer: "") == .denied(ec: RefererConfiguration.emptyRefererEC))
    }

    @Test func prefixMatchingAndTruncation() throws {
        var config = RefererConfiguration(allowEmptyReferer: true, referers: ["http://example.com"])
        #expect(config.check(referer: "http://example.com/page") == .allowed)
        #expect(config.check(referer: "http://other.test/http://example.com") == .denied(ec: RefererConfiguration.notWhitelistedEC))
        // The query string is cut off before matching unless told otherwise.
        config = RefererConfiguration(allowEmptyReferer: true, referers: ["*.png"])
        #expect(config.check(referer: "http://a.test/x?y=.png") == .denied(ec: RefererConfiguration.notWhitelistedEC))
        config.allowTruncateQueryString = false
        #expect(config.check(referer: "http://a.test/x?y=.png") == .allowed)
        // TruncatePath leaves `scheme://host` to match.
        config = RefererConfiguration(allowEmptyReferer: true, referers: ["http://a.test/docs"])
        #expect(config.check(referer: "http://a.test/docs/x.html") == .allowed)
        config.truncatePath = true
        #expect(config.check(referer: "http://a.test/docs/x.html") == .denied(ec: RefererConfiguration.notWhitelistedEC))
    }

    @Test func emptyWhitelistAllowsAllButTheBlacklist() {
        let config = RefererConfiguration(allowEmptyReferer: false, blacklist: ["*evil*"])
        #expect(config.check(referer: nil) == .allowed)
        #expect(config.check(referer: "http://fine.test") == .allowed)
        #expect(config.check(referer: "http://evil.test") == .denied(ec: RefererConfiguration.blacklistedEC))
    }

    @Test func documentRoundTripsAndValidates() throws {
        let config = RefererConfiguration(allowEmptyReferer: false, allowTruncateQueryString: false, referers: ["中文+referer"], blacklist: ["x"])
        #expect(try RefererConfiguration.parse(config.document()) == config)
        #expect(throws: OSSError.self) {
            try RefererConfiguration.parse(bytes("<RefererConfiguration><RefererList/></RefererConfiguration>"))
        }
        #expect(throws: OSSError.self) {
            try RefererConfiguration.parse(bytes("""
                <RefererConfiguration><AllowEmptyReferer>true</AllowEmptyReferer><AllowTruncateQueryString>false</AllowTruncateQueryString>\
                <TruncatePath>true</TruncatePath><RefererList/></RefererConfiguration>
                """))
        }
    }
}
