import OSSProtocol
import Testing
@testable import Emulator

/// Bucket CORS rules, hotlink protection, static website and default
/// encryption, end to end over HTTP.
@Suite struct BucketServingTests {
    private func q(_ name: String, _ value: String? = nil) -> QueryItem { QueryItem(name: name, value: value) }

    private func put(_ test: TestEmulator, _ subresource: String, _ document: String) async throws -> TestEmulator.Response {
        try await test.send("PUT", bucket: "site", query: [q(subresource)], body: document.bytes,
                            headers: ["Content-Type": "application/xml"])
    }

    @Test func corsRulesDecidePreflightsAndAnswers() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "site", headers: ["x-oss-acl": "public-read"]).status == 200)
        #expect(try await test.send("GET", bucket: "site", query: [q("cors")]).text.contains("<Code>NoSuchCORSConfiguration</Code>"))
        let rules = """
            <CORSConfiguration><CORSRule><AllowedOrigin>http://player.test</AllowedOrigin><AllowedMethod>GET</AllowedMethod>\
            <MaxAgeSeconds>60</MaxAgeSeconds></CORSRule></CORSConfiguration>
            """
        #expect(try await put(test, "cors", rules).status == 200)
        let got = try await test.send("GET", bucket: "site", query: [q("cors")])
        #expect(got.text.contains("<AllowedOrigin>http://player.test</AllowedOrigin>"))
        #expect(got.text.contains("<ResponseVary>false</ResponseVary>"))

        let allowed = try await test.send(
            "OPTIONS", bucket: "site", key: "a.ts",
            headers: ["Origin": "http://player.test", "Access-Control-Request-Method": "GET"], anonymous: true)
        #expect(allowed.status == 200)
        #expect(allowed.header("Access-Control-Allow-Origin") == "http://player.test")
        #expect(allowed.header("Access-Control-Max-Age") == "60")
        let refused = try await test.send(
            "OPTIONS", bucket: "site", key: "a.ts",
            headers: ["Origin": "http://other.test", "Access-Control-Request-Method": "GET"], anonymous: true)
        #expect(refused.status == 403)
        #expect(refused.text.contains("<Code>AccessForbidden</Code>"))

        // Ten rules at most.
        let rule = "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>"
        let eleven = try await put(test, "cors", "<CORSConfiguration>" + String(repeating: rule, count: 11) + "</CORSConfiguration>")
        #expect(eleven.status == 400)

        // Rules go with the bucket.
        #expect(try await test.send("DELETE", bucket: "site").status == 204)
        #expect(try await test.send("PUT", bucket: "site").status == 200)
        #expect(try await test.send("GET", bucket: "site", query: [q("cors")]).status == 404)
    }

    @Test func websiteRefererAndEncryption() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "site", headers: ["x-oss-acl": "public-read"]).status == 200)
        #expect(try await test.send("PUT", bucket: "site", key: "index.html", body: "home".bytes).status == 200)
        #expect(try await test.send("PUT", bucket: "site", key: "e.html", body: "oops".bytes).status == 200)
        let website = """
            <WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument>\
            <ErrorDocument><Key>e.html</Key></ErrorDocument></WebsiteConfiguration>
            """
        #expect(try await put(test, "website", website).status == 200)
        let root = try await test.send("GET", bucket: "site", anonymous: true)
        #expect(root.status == 200 && root.text == "home")
        let missing = try await test.send("GET", bucket: "site", key: "gone.html", anonymous: true)
        #expect(missing.status == 404 && missing.text == "oops")
        #expect(try await test.send("GET", bucket: "site", key: "gone.html").text.contains("<Code>NoSuchKey</Code>"))
        #expect(try await test.send("GET", bucket: "site", key: "dir/").text == "home")

        let referer = """
            <RefererConfiguration><AllowEmptyReferer>false</AllowEmptyReferer>\
            <RefererList><Referer>http://site.test</Referer></RefererList></RefererConfiguration>
            """
        #expect(try await put(test, "referer", referer).status == 200)
        let denied = try await test.send("GET", bucket: "site", key: "index.html", anonymous: true)
        #expect(denied.status == 403)
        #expect(denied.text.contains("You are denied by bucket referer policy."))
        let allowed = try await test.send(
            "GET", bucket: "site", key: "index.html", headers: ["Referer": "http://site.test/page"], anonymous: true)
        #expect(allowed.status == 200)
        #expect(try await test.send("GET", bucket: "site", key: "index.html").status == 200)

        let encryption = """
            <ServerSideEncryptionRule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>KMS</SSEAlgorithm>\
            <KMSMasterKeyID>key-1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></ServerSideEncryptionRule>
            """
        #expect(try await put(test, "encryption", encryption).status == 200)
        let written = try await test.send("PUT", bucket: "site", key: "secret", body: "s".bytes)
        #expect(written.header("x-oss-server-side-encryption") == "KMS")
        #expect(written.header("x-oss-server-side-encryption-key-id") == "key-1")
        let info = try await test.send("GET", bucket: "site", query: [q("bucketInfo")])
        #expect(info.text.contains("<SSEAlgorithm>KMS</SSEAlgorithm><KMSMasterKeyID>key-1</KMSMasterKeyID>"))
        let bad = try await put(test, "encryption", encryption.replacingOccurrences(of: "KMS<", with: "DES<"))
        #expect(bad.status == 400 && bad.text.contains("<Code>InvalidEncryptionAlgorithmError</Code>"))
    }
}
