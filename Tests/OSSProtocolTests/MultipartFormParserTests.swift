import Testing
@testable import OSSProtocol

/// The streaming form parser must give the same parts whatever the sizes of
/// the pieces the body arrives in, including pieces that split a delimiter.
@Suite struct MultipartFormParserTests {
    static let boundary = "----WebKitFormBoundaryW0DET1iaBMeAOBg3"
    static let body = Array((
        "preamble ignored\r\n"
        + "--\(boundary)\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nuploads/${filename}\r\n"
        + "--\(boundary)\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n"
        + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a;b \\\"c\\\".txt\"\r\n"
        + "Content-Type: text/plain\r\n\r\n"
        + "line one\r\n--\(boundary.dropLast()) not a delimiter\r\n--\r\n"
        + "\r\n--\(boundary)--\r\nepilogue ignored").utf8)

    struct Part: Equatable {
        var head: MultipartPartHead
        var data: [UInt8]
    }

    static func parts(pieces: [ArraySlice<UInt8>]) throws -> [Part] {
        var parser = MultipartFormParser(boundary: boundary)
        var parts: [Part] = []
        var ended = false
        for piece in pieces {
            for event in try parser.feed(piece) {
                switch event {
                case .partBegin(let head): parts.append(Part(head: head, data: []))
                case .partData(let bytes): parts[parts.count - 1].data += bytes
                case .partEnd: break
                case .end: ended = true
                }
            }
        }
        try parser.finish()
        #expect(ended)
        return parts
    }

    @Test func wholeBody() throws {
        let parts = try Self.parts(pieces: [Self.body[...]])
        #expect(parts.map(\.head.name) == ["key", "empty", "file"])
        #expect(parts[0].data == Array("uploads/${filename}".utf8))
        #expect(parts[1].data == [])
        #expect(parts[2].head.filename == "a;b \"c\".txt")
        #expect(parts[2].head.contentType == "text/plain")
        #expect(parts[2].data == Array("line one\r\n--\(Self.boundary.dropLast()) not a delimiter\r\n--\r\n".utf8))
    }

    @Test func everySplitPointGivesTheSameParts() throws {
        let expected = try Self.parts(pieces: [Self.body[...]])
        for split in 1..<Self.body.count {
            let parts = try Self.parts(pieces: [Self.body[..<split], Self.body[split...]])
            #expect(parts == expected, "split at \(split)")
        }
    }

    @Test func byteAtATime() throws {
        let expected = try Self.parts(pieces: [Self.body[...]])
        #expect(try Self.parts(pieces: Self.body.indices.map { Self.body[$0...$0] }) == expected)
    }

    @Test func truncatedBodyIsAnError() throws {
        var parser = MultipartFormParser(boundary: Self.boundary)
        _ = try parser.feed(Self.body.prefix(Self.body.count / 2))
        #expect(throws: MultipartFormParser.ParseError.self) { try parser.finish() }
    }

    @Test func garbageAfterDelimiterIsAnError() {
        var parser = MultipartFormParser(boundary: "b")
        #expect(throws: MultipartFormParser.ParseError.self) { _ = try parser.feed(Array("--bXX\r\n".utf8)) }
    }

    @Test func partWithoutNameIsAnError() {
        var parser = MultipartFormParser(boundary: "b")
        #expect(throws: MultipartFormParser.ParseError.self) {
            _ = try parser.feed(Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8))
        }
    }

    @Test func oversizedPartHeadersAreRefused() {
        var parser = MultipartFormParser(boundary: "b")
        let long = "--b\r\nX-Long: " + String(repeating: "a", count: MultipartFormParser.maxPartHeaderBytes + 1)
        #expect(throws: MultipartFormParser.ParseError.self) { _ = try parser.feed(Array(long.utf8)) }
    }

    @Test func boundaryFromContentType() {
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartFormParser.boundary(contentType: "Multipart/Form-Data;boundary=\"a b\"") == "a b")
        #expect(MultipartFormParser.boundary(contentType: "multipart/mixed; boundary=abc") == nil)
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data") == nil)
        #expect(MultipartFormParser.boundary(contentType: "application/octet-stream") == nil)
        #expect(MultipartFormParser.boundary(contentType: "multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
    }
}
