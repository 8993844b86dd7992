import Foundation
import OSSProtocol
import Testing
@testable import Emulator

/// Bytes in names that XML or UTF-8 cannot carry never reach a listing or merge two names.
@Suite struct NameBytesTests {
    /// Whether `body` holds a byte XML 1.0 cannot carry (a C0 control other than tab, LF, CR).
    static func hasXMLForbiddenByte(_ body: [UInt8]) -> Bool {
        body.contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    @Test func controlCharactersInChannelNamesAreRefused() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        let live = [QueryItem(name: "live", value: nil)]
        for name in ["ch\u{01}", "a\u{1F}b", "tab\there", "del\u{7F}"] {
            let refused = try await test.send("PUT", bucket: "bkt", key: name, query: live, body: channelConfiguration())
            #expect(refused.status == 400, "\(name.debugDescription): \(refused.text)")
            #expect(refused.text.contains("<Code>InvalidArgument</Code>"), "\(name.debugDescription)")
            #expect(!Self.hasXMLForbiddenByte(refused.body), "\(name.debugDescription)")
        }
        #expect(try await test.send("PUT", bucket: "bkt", key: "cam", query: live, body: channelConfiguration()).status == 200)
        let listing = try await test.send("GET", bucket: "bkt", query: live)
        #expect(listing.status == 200)
        #expect(listing.text.contains("<Name>cam</Name>"))
        #expect(!listing.text.contains("<Name>ch"))
    }

    /// OSS accepts such keys; a listing without `encoding-type=url` must still parse.
    @Test func listingsOfKeysWithControlCharactersStayWellFormed() async throws {
        let test = try TestEmulator()
        #expect(try await test.send("PUT", bucket: "bkt").status == 200)
        #expect(try await test.send("PUT", bucket: "bkt", key: "a\u{01}b\u{FFFF}", body: Array("x".utf8)).status == 200)
        let plain = try await test.send("GET", bucket: "bkt")
        #expect(plain.status == 200)
        #expect(!Self.hasXMLForbiddenByte(plain.body), "\(plain.text.debugDescription)")
        #expect(plain.text.contains("<Key>a\u{FFFD}b\u{FFFD}</Key>"), "\(plain.text.debugDescription)")
        // encoding-type=url keeps the exact key.
        let encoded = try await test.send("GET", bucket: "bkt", query: [QueryItem(name: "encoding-type", value: "url")])
        #expect(encoded.text.contains("<Key>a%01b%EF%BF%BF</Key>"), "\(encoded.text)")
        #expect(try await test.send("GET", bucket: "bkt", key: "a\u{01}b\u{FFFF}").text == "x")
    }

    /// Raw bytes that are not UTF-8 are refused like their `%XX` form, never
    /// decoded lossily (which made `alias-\xff` and `alias-\xfe` one object).
    @Test func rawInvalidUTF8InThePathIsRefused() throws {
        let test = try TestEmulator(configure: { $0.buckets = [BucketSpec(name: "pub", acl: .publicReadWrite)] })
        let forge = RequestForge(port: test.endpoints.httpPort, keyId: TestEmulator.keyId, secret: TestEmulator.secret)
        func exchange(_ method: String, _ target: [UInt8], body: [UInt8] = []) throws -> RawHTTPResponse {
            let connection = try RawHTTPConnection(port: forge.port)
            var head = Array("\(method) ".utf8) + target + Array(" HTTP/1.1\r\nHost: \(forge.host)\r\nConnection: close\r\n".utf8)
            head += Array("Content-Length: \(body.count)\r\n\r\n".utf8)
            connection.send(head + body)
            return try connection.readResponse()
        }
        let put = try exchange("PUT", Array("/pub/alias-".utf8) + [0xFF], body: Array("x".utf8))
        #expect(put.status == 400, "\(String(decoding: put.body, as: UTF8.self))")
        #expect(put.code == "InvalidURI")
        let get = try exchange("GET", Array("/pub/alias-".utf8) + [0xFE])
        #expect(get.status == 400)
        #expect(get.code == "InvalidURI")
        #expect(try exchange("GET", Array("/pub/alias-%FF".utf8)).code == "InvalidURI")
        #expect(try test.emulator.store!.objectCount(bucket: "pub") == 0)
        // Raw UTF-8 stays a name like its percent-encoded form.
        #expect(try exchange("PUT", Array("/pub/caf\u{E9}".utf8), body: Array("y".utf8)).status == 200)
        let read = try exchange("GET", Array("/pub/caf%C3%A9".utf8))
        #expect(read.status == 200)
        #expect(read.body == Array("y".utf8))
    }
}
