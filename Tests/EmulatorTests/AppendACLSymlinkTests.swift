import Digest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OSSProtocol
import Testing
@testable import Emulator
import ObjectAPI

/// AppendObject, object ACLs, symlinks and presigned PUT over HTTP.
@Suite struct AppendACLSymlinkTests {
    private func q(_ name: String, _ value: String? = nil) -> QueryItem { QueryItem(name: name, value: value) }

    private func append(_ test: TestEmulator, _ key: String, at position: String, _ body: String,
                        headers: [String: String] = [:]) async throws -> TestEmulator.Response {
        // An explicit type: URLSession would otherwise add a form type the signature does not cover.
        try await test.send("POST", bucket: "bkt", key: key, query: [q("append"), q("position", position)],
                            body: body.bytes, headers: ["Content-Type": "application/octet-stream"].merging(headers) { $1 })
    }

    @Test func appendSequenceAndErrors() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let first = try await append(test, "log.txt", at: "0", "hello ", headers: ["x-oss-meta-who": "me", "Content-Type": "text/plain"])
        #expect(first.status == 200, "\(first.text)")
        #expect(first.header("x-oss-next-append-position") == "6")
        #expect(first.header("x-oss-hash-crc64ecma") == String(CRC64.checksum("hello ".bytes)))

        let wrong = try await append(test, "log.txt", at: "0", "again")
        #expect(wrong.status == 409)
        #expect(wrong.text.contains("<Code>PositionNotEqualToLength</Code>"))
        #expect(wrong.header("x-oss-next-append-position") == "6")

        let second = try await append(test, "log.txt", at: "6", "world", headers: ["x-oss-meta-who": "ignored"])
        #expect(second.status == 200)
        #expect(second.header("x-oss-next-append-position") == "11")
        #expect(second.header("x-oss-hash-crc64ecma") == String(CRC64.checksum("hello world".bytes)))
        let etag = try #require(second.header("ETag"))
        #expect(etag.hasSuffix("00000000\"") && etag.count == 34)

        let head = try await test.send("HEAD", bucket: "bkt", key: "log.txt")
        #expect(head.header("x-oss-object-type") == "Appendable")
        #expect(head.header("x-oss-next-append-position") == "11")
        #expect(head.header("x-oss-meta-who") == "me")
        #expect(head.header("Content-Type") == "text/plain")
        #expect(head.header("ETag") == etag)
        #expect(try await test.send("GET", bucket: "bkt", key: "log.txt").text == "hello world")

        for bad in ["", "-1", "abc", "1.5"] {
            let response = try await append(test, "log.txt", at: bad, "x")
            #expect(response.status == 400, "position '\(bad)'")
            #expect(response.text.contains("<Code>InvalidArgument</Code>"))
        }
        let missing = try await test.send(
            "POST", bucket: "bkt", key: "log.txt", query: [q("append")], body: "x".bytes, headers: ["Content-Type": "text/plain"])
        #expect(missing.status == 400)

        // A Normal object cannot be appended to; a PutObject over an appendable one makes it Normal.
        #expect(try await test.send("PUT", bucket: "bkt", key: "plain", body: "abc".bytes).status == 200)
        let refused = try await append(test, "plain", at: "3", "more")
        #expect(refused.status == 409)
        #expect(refused.text.contains("<Code>ObjectNotAppendable</Code>"))
        #expect(try await test.send("PUT", bucket: "bkt", key: "log.txt", body: "new".bytes).status == 200)
        #expect(try await test.send("HEAD", bucket: "bkt", key: "log.txt").header("x-oss-object-type") == "Normal")
        #expect(try await append(test, "log.txt", at: "3", "x").status == 409)
        #expect(AppendLimits.maxObjectSize == 5 * 1024 * 1024 * 1024)
    }

    @Test func largeAppendBodiesAreSpooledAndAppended() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let big = String(repeating: "0123456789abcdef", count: 20_000)  // 320 KB: spooled to a file
        #expect(try await append(test, "big", at: "0", big).status == 200)
        let second = try await append(test, "big", at: String(big.utf8.count), big)
        #expect(second.status == 200)
        #expect(second.header("x-oss-hash-crc64ecma") == String(CRC64.checksum((big + big).bytes)))
        #expect(try await test.send("GET", bucket: "bkt", key: "big").body == (big + big).bytes)
    }

    @Test func objectACLRoundTripAndAnonymousAccess() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "k", body: "data".bytes).status == 200)
        let lastModified = try await test.send("HEAD", bucket: "bkt", key: "k").header("Last-Modified")

        let initial = try await test.send("GET", bucket: "bkt", key: "k", query: [q("acl")])
        #expect(initial.text.contains("<Grant>default</Grant>"))
        #expect(initial.text.contains("<Owner><ID>"))
        #expect(try await test.send("GET", bucket: "bkt", key: "k", anonymous: true).status == 403)

        #expect(try await test.send("PUT", bucket: "bkt", key: "k", query: [q("acl")], headers: ["x-oss-object-acl": "public-read"]).status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "k", query: [q("acl")]).text.contains("<Grant>public-read</Grant>"))
        let anonymous = try await test.send("GET", bucket: "bkt", key: "k", anonymous: true)
        #expect(anonymous.status == 200)
        #expect(anonymous.text == "data")
        #expect(try await test.send("HEAD", bucket: "bkt", key: "k", anonymous: true).status == 200)
        // public-read does not let strangers write or delete.
        #expect(try await test.send("PUT", bucket: "bkt", key: "k", body: "x".bytes, anonymous: true).status == 403)
        #expect(try await test.send("DELETE", bucket: "bkt", key: "k", anonymous: true).status == 403)
        // Changing the ACL keeps Last-Modified.
        #expect(try await test.send("HEAD", bucket: "bkt", key: "k").header("Last-Modified") == lastModified)

        #expect(try await test.send("PUT", bucket: "bkt", key: "k", query: [q("acl")], headers: ["x-oss-object-acl": "public-read-write"]).status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "k", body: "by anyone".bytes, anonymous: true).status == 200)

        // A private object in a public-read bucket stays private.
        #expect(try await test.send("PUT", bucket: "bkt", query: [q("acl")], headers: ["x-oss-acl": "public-read"]).status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "secret", body: "s".bytes, headers: ["x-oss-object-acl": "private"]).status == 200)
        let denied = try await test.send("GET", bucket: "bkt", key: "secret", anonymous: true)
        #expect(denied.status == 403)
        #expect(denied.text.contains("<Code>AccessDenied</Code>"))
        // Read through a symlink, the target's ACL decides as well as the link's.
        #expect(try await test.send("PUT", bucket: "bkt", key: "to-secret", query: [q("symlink")], headers: ["x-oss-symlink-target": "secret"]).status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "to-secret", anonymous: true).status == 403)
        #expect(try await test.send("PUT", bucket: "bkt", key: "secret", query: [q("acl")], headers: ["x-oss-object-acl": "default"]).status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "secret", anonymous: true).status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "to-secret", anonymous: true).text == "s")
        #expect(try await test.send("PUT", bucket: "bkt", key: "to-secret", query: [q("acl")], headers: ["x-oss-object-acl": "private"]).status == 200)
        #expect(try await test.send("GET", bucket: "bkt", key: "to-secret", anonymous: true).status == 403)
        // Managing the ACL always needs a signature.
        #expect(try await test.send("GET", bucket: "bkt", key: "secret", query: [q("acl")], anonymous: true).status == 403)

        let invalid = try await test.send("PUT", bucket: "bkt", key: "k", query: [q("acl")], headers: ["x-oss-object-acl": "public"])
        #expect(invalid.status == 400)
        #expect(invalid.text.contains("<Code>InvalidArgument</Code>"))
        #expect(try await test.send("GET", bucket: "bkt", key: "absent", query: [q("acl")]).status == 404)
    }

    @Test func symlinks() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "dir/target one.txt", body: "hello".bytes).status == 200)
        let put = try await test.send("PUT", bucket: "bkt", key: "link", query: [q("symlink")], headers: [
            "x-oss-symlink-target": PercentEncoding.encodeRFC3986("dir/target one.txt", keepSlash: false),
            "x-oss-meta-key1": "value1",
        ])
        #expect(put.status == 200, "\(put.text)")

        let got = try await test.send("GET", bucket: "bkt", key: "link", query: [q("symlink")])
        #expect(got.status == 200)
        #expect(got.header("x-oss-symlink-target").flatMap { PercentEncoding.decode($0) } == "dir/target one.txt")

        let head = try await test.send("HEAD", bucket: "bkt", key: "link")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "5")
        #expect(head.header("ETag") == "\"5D41402ABC4B2A76B9719D911017C592\"")
        #expect(head.header("x-oss-meta-key1") == "value1")
        #expect(head.header("x-oss-object-type") == "Symlink")
        let body = try await test.send("GET", bucket: "bkt", key: "link", headers: ["Range": "bytes=1-3"])
        #expect(body.status == 206)
        #expect(body.text == "ell")

        // Not a symlink; no such key; link to a link; dangling link.
        let notLink = try await test.send("GET", bucket: "bkt", key: "dir/target one.txt", query: [q("symlink")])
        #expect(notLink.status == 400)
        #expect(notLink.text.contains("<Code>NotSymlink</Code>"))
        #expect(try await test.send("GET", bucket: "bkt", key: "nothing", query: [q("symlink")]).status == 404)
        #expect(try await test.send("PUT", bucket: "bkt", key: "link2", query: [q("symlink")], headers: ["x-oss-symlink-target": "link"]).status == 200)
        let chained = try await test.send("GET", bucket: "bkt", key: "link2")
        #expect(chained.status == 400)
        #expect(chained.text.contains("<Code>InvalidTargetType</Code>"))

        // Deleting the link leaves the target; deleting the target leaves a dangling link.
        #expect(try await test.send("PUT", bucket: "bkt", key: "link3", query: [q("symlink")], headers: ["x-oss-symlink-target": "link3-target"]).status == 200)
        let dangling = try await test.send("GET", bucket: "bkt", key: "link3")
        #expect(dangling.status == 404)
        #expect(dangling.text.contains("<Code>SymlinkTargetNotExist</Code>"))
        #expect(try await test.send("HEAD", bucket: "bkt", key: "link3").status == 404)
        #expect(try await test.send("DELETE", bucket: "bkt", key: "link").status == 204)
        #expect(try await test.send("GET", bucket: "bkt", key: "dir/target one.txt").text == "hello")

        // Missing target header; forbid-overwrite.
        let missing = try await test.send("PUT", bucket: "bkt", key: "l", query: [q("symlink")])
        #expect(missing.status == 400)
        let forbidden = try await test.send("PUT", bucket: "bkt", key: "link2", query: [q("symlink")], headers: [
            "x-oss-symlink-target": "x", "x-oss-forbid-overwrite": "true",
        ])
        #expect(forbidden.status == 409)
        #expect(forbidden.text.contains("<Code>FileAlreadyExists</Code>"))
    }

    @Test func presignedPutStoresOctetStream() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let expires = String(Int64(Date().timeIntervalSince1970) + 600)
        let stringToSign = V1Signature.stringToSign(
            method: "PUT", contentMD5: "", contentType: "", date: expires, ossHeaders: [:], bucket: "bkt", key: "photo.jpg", query: [])
        let signature = V1Signature.sign(secret: TestEmulator.secret, stringToSign: stringToSign)
        // Raw bytes: no HTTP library adds a Content-Type behind the test's back.
        let target = "/bkt/photo.jpg?OSSAccessKeyId=\(TestEmulator.keyId)&Expires=\(expires)&Signature="
            + PercentEncoding.encodeRFC3986(signature, keepSlash: false)
        let connection = try RawHTTPConnection(port: test.endpoints.httpPort)
        #expect(connection.send(Array("PUT \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\njpeg bytes".utf8)))
        let response = try connection.readResponse()
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(try await test.send("HEAD", bucket: "bkt", key: "photo.jpg").header("Content-Type") == "application/octet-stream")
        // A header-signed PUT without a type still gets one from the name.
        #expect(try await test.send("PUT", bucket: "bkt", key: "other.jpg", body: "x".bytes).status == 200)
        #expect(try await test.send("HEAD", bucket: "bkt", key: "other.jpg").header("Content-Type") == "image/jpeg")
    }
}
