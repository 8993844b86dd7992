import BucketConfig
import OSSProtocol
import Testing


@Suite struct WebsiteConfigurationTests {
    static let mirrorRule = """
        <RoutingRule><RuleNumber>1</RuleNumber><Condition><KeyPrefixEquals>a&lt;b</KeyPrefixEquals>\
        <HttpErrorCodeReturnedEquals>404</HttpErrorCodeReturnedEquals></Condition>\
        <Redirect><RedirectType>Mirror</RedirectType><MirrorURL>http://origin.test/</MirrorURL>\
        <MirrorPassQueryString>True</MirrorPassQueryString><MirrorCheckMd5>False</MirrorCheckMd5></Redirect></RoutingRule>
        """

    @Test func documentRoundTripsWithBooleansLowerCased() throws {
        let body = "<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument>"
            + "<ErrorDocument><Key>error.html</Key></ErrorDocument><RoutingRules>\(Self.mirrorRule)</RoutingRules></WebsiteConfiguration>"
        let website = try WebsiteConfiguration.parse(bytes(body))
        #expect(website.index == .init(suffix: "index.html"))
        #expect(website.error == .init(key: "error.html", httpStatus: 404))
        let written = String(decoding: website.document(), as: UTF8.self)
        // A Mirror rule answers PassQueryString as its MirrorPassQueryString.
        #expect(written.contains("<PassQueryString>true</PassQueryString>"))
        #expect(written.contains("<MirrorCheckMd5>false</MirrorCheckMd5>"))
        #expect(written.contains("<KeyPrefixEquals>a&lt;b</KeyPrefixEquals>"))
        #expect(try WebsiteConfiguration.parse(website.document()) == website)
    }

    @Test func routingRuleValidation() throws {
        func rules(_ rule: String) -> [UInt8] {
            bytes("<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument><RoutingRules>\(rule)</RoutingRules></WebsiteConfiguration>")
        }
        for bad in [
            Self.mirrorRule.replacingOccurrences("<HttpErrorCodeReturnedEquals>404", "<HttpErrorCodeReturnedEquals>400"),
            Self.mirrorRule.replacingOccurrences("http://origin.test/", "http://origin.test"),
            Self.mirrorRule.replacingOccurrences("Mirror</RedirectType>", "Teleport</RedirectType>"),
            Self.mirrorRule.replacingOccurrences("<RuleNumber>1", "<RuleNumber>0"),
            """
            <RoutingRule><RuleNumber>1</RuleNumber><Condition/><Redirect><RedirectType>External</RedirectType>\
            <HttpRedirectCode>400</HttpRedirectCode></Redirect></RoutingRule>
            """,
            """
            <RoutingRule><RuleNumber>1</RuleNumber><Condition/><Redirect><RedirectType>Internal</RedirectType>\
            <HostName>x.test</HostName></Redirect></RoutingRule>
            """,
        ] {
            #expect(throws: OSSError.self) { try WebsiteConfiguration.parse(rules(bad)) }
        }
        let many = (1...WebsiteRoutingRules.maxRules + 1).map {
            Self.mirrorRule.replacingOccurrences("<RuleNumber>1", "<RuleNumber>\($0)")
        }
        #expect(throws: OSSError.self) { try WebsiteConfiguration.parse(rules(many.joined())) }
        #expect(try WebsiteConfiguration.parse(rules(many.dropLast().joined())).routingRules?.rules.count == WebsiteRoutingRules.maxRules)
    }

    @Test func headerListLimits() throws {
        func website(_ rule: String) -> [UInt8] {
            bytes("<WebsiteConfiguration><RoutingRules>\(rule)</RoutingRules></WebsiteConfiguration>")
        }
        let include = "<IncludeHeader><Key>host</Key><Equals>a.test</Equals></IncludeHeader>"
        func withIncludes(_ n: Int) -> String {
            Self.mirrorRule.replacingOccurrences("</HttpErrorCodeReturnedEquals>", "</HttpErrorCodeReturnedEquals>" + String(repeating: include, count: n))
        }
        #expect(try WebsiteConfiguration.parse(website(withIncludes(WebsiteRoutingRules.maxIncludeHeaders))).routingRules != nil)
        #expect(throws: OSSError.self) { try WebsiteConfiguration.parse(website(withIncludes(WebsiteRoutingRules.maxIncludeHeaders + 1))) }
        func withPass(_ n: Int) -> String {
            Self.mirrorRule.replacingOccurrences(
                "</Redirect>", "<MirrorHeaders>" + String(repeating: "<Pass>h</Pass>", count: n) + "</MirrorHeaders></Redirect>")
        }
        #expect(try WebsiteConfiguration.parse(website(withPass(WebsiteRoutingRules.maxMirrorHeaders))).routingRules != nil)
        #expect(throws: OSSError.self) { try WebsiteConfiguration.parse(website(withPass(WebsiteRoutingRules.maxMirrorHeaders + 1))) }
    }

    @Test func resolvesDirectoriesAndMissingKeys() {
        let objects: Set<String> = ["index.html", "docs/index.html", "404.html"]
        let exists: (String) -> Bool = { objects.contains($0) }
        var website = WebsiteConfiguration(index: .init(suffix: "index.html"), error: .init(key: "404.html"))
        #expect(website.resolveMissing("", exists: exists) == .object(key: "index.html", status: 200))
        #expect(website.resolveMissing("docs/", exists: exists) == .object(key: "index.html", status: 200))
        #expect(website.resolveMissing("nothing", exists: exists) == .object(key: "404.html", status: 404))
        #expect(website.resolveMissing("nothing", errorDocument: false, exists: exists) == nil)
        website.index?.supportSubDir = true
        #expect(website.resolveMissing("docs/", exists: exists) == .object(key: "docs/index.html", status: 200))
        #expect(website.resolveMissing("docs", exists: exists) == .redirect(key: "docs/"))
        website.index?.type = 2
        #expect(website.resolveMissing("docs", exists: exists) == .object(key: "docs/index.html", status: 200))
        website.index?.type = 1
        #expect(website.resolveMissing("docs", exists: exists) == .object(key: "404.html", status: 404))
        website.error?.httpStatus = 200
        #expect(website.resolveMissing("gone/", exists: exists) == .object(key: "404.html", status: 200))
    }

    @Test func indexAndErrorValidation() {
        for bad in [
            "<WebsiteConfiguration/>",
            "<WebsiteConfiguration><IndexDocument><Suffix></Suffix></IndexDocument></WebsiteConfiguration>",
            "<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix><Type>3</Type></IndexDocument></WebsiteConfiguration>",
            "<WebsiteConfiguration><ErrorDocument><Key>e.html</Key><HttpStatus>500</HttpStatus></ErrorDocument></WebsiteConfiguration>",
        ] {
            #expect(throws: OSSError.self) { try WebsiteConfiguration.parse(bytes(bad)) }
        }
    }
}

@Suite struct EncryptionRuleTests {
    @Test func parsesAndNormalises() throws {
        let kms = try EncryptionRule.parse(bytes("""
            <ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm>\
            <KMSMasterKeyID>123</KMSMasterKeyID><KMSDataEncryption>SM4</KMSDataEncryption>\
            </ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>
            """))
        #expect(kms == EncryptionRule(algorithm: "KMS", kmsMasterKeyId: "123", kmsDataEncryption: "SM4"))
        #expect(try EncryptionRule.parse(kms.document()) == kms)
        // The data cipher counts for KMS only; an empty key id is the default key.
        let aes = try EncryptionRule.validated(algorithm: "AES256", kmsMasterKeyId: "", kmsDataEncryption: "SM4")
        #expect(aes == EncryptionRule(algorithm: "AES256"))
        #expect(aes.kmsDataEncryption == nil && aes.kmsMasterKeyId == nil)
    }

    @Test func refusals() {
        #expect(throws: EncryptionRule.invalidAlgorithm) {
            try EncryptionRule.validated(algorithm: "random", kmsMasterKeyId: nil, kmsDataEncryption: nil)
        }
        #expect { try EncryptionRule.validated(algorithm: "AES256", kmsMasterKeyId: "test", kmsDataEncryption: nil) } throws: {
            ($0 as? OSSError)?.code == "InvalidArgument"
        }
        #expect(throws: OSSError.self) { try EncryptionRule.parse(bytes("<ServerSideEncryptionRule/>")) }
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
