import Digest
import Foundation
import OSSProtocol
import Testing
@testable import Emulator

/// Requests OSS refuses for their shape: too much user metadata, a batch
/// delete without Content-MD5, channel names out of bounds, methods OSS does
/// not serve, a Host with a bad port, a security token that does not go with
/// the key, conditional PutObject.
@Suite struct RequestHardeningTests {
    private func q(_ name: String, _ value: String? = nil) -> QueryItem { QueryItem(name: name, value: value) }

    private func ec(_ response: TestEmulator.Response) -> String? {
        response.header("x-oss-ec")
    }

    /// `x-oss-meta-*` headers whose names and values add up to `total` bytes.
    private func metadata(totalling total: Int) -> [String: String] {
        let name = "x-oss-meta-big"
        return [name: String(repeating: "v", count: total - name.utf8.count)]
    }

    @Test func userMetadataOverEightKiBIsRefusedByEveryWrite() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let limit = 8 * 1024
        let atLimit = metadata(totalling: limit), over = metadata(totalling: limit + 1)

        let fits = try await test.send("PUT", bucket: "bkt", key: "fits", body: "x".bytes, headers: atLimit)
        #expect(fits.status == 200, "\(fits.text)")
        #expect(try await test.send("HEAD", bucket: "bkt", key: "fits").header("x-oss-meta-big")?.utf8.count == limit - 14)

        // Many small headers count together, names included.
        var many: [String: String] = [:]
        for index in 10..<70 { many["x-oss-meta-field-\(index)"] = String(repeating: "m", count: 130) }
        let writes: [(String, TestEmulator.Response)] = [
            ("PutObject", try await test.send("PUT", bucket: "bkt", key: "big", body: "x".bytes, headers: over)),
            ("PutObject, many headers", try await test.send("PUT", bucket: "bkt", key: "big", body: "x".bytes, headers: many)),
            ("CopyObject REPLACE", try await test.send(
                "PUT", bucket: "bkt", key: "copy",
                headers: over.merging(["x-oss-copy-source": "/bkt/fits", "x-oss-metadata-directive": "REPLACE"]) { $1 })),
            ("InitiateMultipartUpload", try await test.send("POST", bucket: "bkt", key: "mp", query: [q("uploads")], headers: over)),
            ("AppendObject", try await test.send(
                "POST", bucket: "bkt", key: "log", query: [q("append"), q("position", "0")], body: "x".bytes,
                headers: over.merging(["Content-Type": "text/plain"]) { $1 })),
        ]
        for (operation, response) in writes {
            #expect(response.status == 400, "\(operation): \(response.text)")
            #expect(response.text.contains("<Code>InvalidArgument</Code>"), "\(operation)")
            #expect(ec(response) == "0011-00000002", "\(operation)")
        }
        for key in ["big", "copy", "log"] {
            #expect(try await test.send("HEAD", bucket: "bkt", key: key).status == 404, "\(key)")
        }
    }

    @Test func deleteMultipleObjectsNeedsContentMD5() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "a", body: "x".bytes).status == 200)
        let body = "<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>".bytes
        let headers = ["Content-Type": "application/xml"]
        let missing = try await test.send("POST", bucket: "bkt", query: [q("delete")], body: body, headers: headers)
        #expect(missing.status == 400)
        #expect(missing.text.contains("<Code>MissingArgument</Code>") && missing.text.contains("<ArgumentName>Content-MD5</ArgumentName>"))
        #expect(ec(missing) == "0016-00000606")
        #expect(try await test.send("HEAD", bucket: "bkt", key: "a").status == 200)

        let md5 = Base64.encode(Hash.md5(body))
        let deleted = try await test.send("POST", bucket: "bkt", query: [q("delete")], body: body,
                                          headers: headers.merging(["Content-MD5": md5]) { $1 })
        #expect(deleted.status == 200, "\(deleted.text)")
        #expect(try await test.send("HEAD", bucket: "bkt", key: "a").status == 404)
    }

    @Test func channelNameLengthAndSlashAreInvalidArgumentForEveryOperation() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let configuration = "<LiveChannelConfiguration><Target><Type>HLS</Type></Target></LiveChannelConfiguration>".bytes
        let longest = String(repeating: "c", count: NameRules.maxChannelNameBytes)
        let created = try await test.send("PUT", bucket: "bkt", key: longest, query: [q("live")], body: configuration)
        #expect(created.status == 200, "\(created.text)")
        #expect(try await test.send("GET", bucket: "bkt", key: longest, query: [q("live")]).status == 200)

        // 64 bytes, 300 (too long for a file name) and 1024 (too long for an object key) answer alike.
        for count in [NameRules.maxChannelNameBytes + 1, 300, 1024] {
            let name = String(repeating: "c", count: count)
            let answers = [
                try await test.send("PUT", bucket: "bkt", key: name, query: [q("live")], body: configuration),
                try await test.send("GET", bucket: "bkt", key: name, query: [q("live")]),
                try await test.send("GET", bucket: "bkt", key: name, query: [q("live"), q("comp", "stat")]),
                try await test.send("PUT", bucket: "bkt", key: name, query: [q("live"), q("status", "disabled")]),
                try await test.send("DELETE", bucket: "bkt", key: name, query: [q("live")]),
            ]
            for answer in answers {
                #expect(answer.status == 400 && answer.text.contains("<Code>InvalidArgument</Code>"), "\(count): \(answer.text)")
                #expect(ec(answer) == "0017-00000258", "\(count)")
            }
        }
        let slash = try await test.send("GET", bucket: "bkt", key: "a/b", query: [q("live")])
        #expect(slash.status == 400 && slash.text.contains("<Code>InvalidArgument</Code>") && ec(slash) == "0017-00000260")
    }

    @Test func conditionalPutObjectIsNotImplemented() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "k", body: "old".bytes).status == 200)
        let conditions = ["If-Match": "\"0123\"", "If-None-Match": "*",
                          "If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT",
                          "If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"]
        for (name, value) in conditions {
            let refused = try await test.send("PUT", bucket: "bkt", key: "k", body: "new".bytes, headers: [name: value])
            #expect(refused.status == 400, "\(name)")
            #expect(refused.text.contains("<Code>NotImplemented</Code>") && refused.text.contains("<Header>\(name)</Header>"), "\(refused.text)")
            #expect(ec(refused) == "0017-00000245")
        }
        #expect(try await test.send("GET", bucket: "bkt", key: "k").text == "old")
    }

    @Test func securityTokenMustBelongToTheAccessKey() async throws {
        let sts = Credential(accessKeyId: "STS.other", accessKeySecret: "other-secret", securityToken: "CAIS+issued/to=other")
        let test = try TestEmulator(configure: { $0.credentials.append(sts) })
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        // TestEmulator signs with its long-term key, which takes no token.
        let unknown = try await test.send("GET", bucket: "bkt", headers: ["x-oss-security-token": "CAIS+made-up"])
        #expect(unknown.status == 403 && unknown.text.contains("<Code>InvalidSecurityToken</Code>"), "\(unknown.text)")
        let othersToken = try await test.send("GET", bucket: "bkt", headers: ["x-oss-security-token": sts.securityToken!])
        #expect(othersToken.status == 403 && othersToken.text.contains("<Code>AccessKeyIdAndSecurityTokenNotMatch</Code>"))
        #expect(try await test.send("GET", bucket: "bkt").status == 200)
    }

    private func raw(_ test: TestEmulator, _ head: String) throws -> RawHTTPResponse {
        let connection = try RawHTTPConnection(port: test.endpoints.httpPort)
        connection.send(Array((head + "\r\nConnection: close\r\n\r\n").utf8))
        return try connection.readResponse()
    }

    @Test func methodsOSSDoesNotServeAre405() throws {
        let test = try TestEmulator()
        let host = "Host: 127.0.0.1:\(test.endpoints.httpPort)"
        for (method, target, resourceType) in [("PATCH", "/bkt/key", "Object"), ("FOO", "/bkt", "Bucket"),
                                                ("PROPFIND", "/", "Service"), ("get", "/bkt/key", "Object")] {
            let response = try raw(test, "\(method) \(target) HTTP/1.1\r\n\(host)")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 405 && response.code == "MethodNotAllowed", "\(method): \(text)")
            #expect(text.contains("<Method>\(method)</Method>") && text.contains("<ResourceType>\(resourceType)</ResourceType>"))
            #expect(response.header("Allow") == "GET, HEAD, PUT, POST, DELETE, OPTIONS")
        }
    }

    @Test func hostWithAnInvalidPortIs400() throws {
        let test = try TestEmulator()
        for host in ["localhost:99999", "localhost:abc", "127.0.0.1:-1", "bkt.localhost:123456", "[::1]:x"] {
            let response = try raw(test, "GET /_emulator/health HTTP/1.1\r\nHost: \(host)")
            let text = String(decoding: response.body, as: UTF8.self)
            #expect(response.status == 400 && response.code == "InvalidArgument", "\(host): \(text)")
            #expect(text.contains("<ArgumentName>Host</ArgumentName>"), "\(host)")
        }
        for host in ["localhost:65535", "localhost:", "localhost", "[::1]:8080"] {
            #expect(try raw(test, "GET /_emulator/health HTTP/1.1\r\nHost: \(host)").status == 200, "\(host)")
        }
    }
}
