import CZlib
import Storage
import Testing
import Transport
@testable import ObjectAPI

@Suite struct GzipTests {
    /// Decompresses with zlib's inflate (gzip wrapper), independently of the deflater.
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        #expect(inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { inflateEnd(&stream) }
        var input = bytes
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var status: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.next_in = inBuffer.baseAddress
            stream.avail_in = uInt(inBuffer.count)
            repeat {
                let capacity = buffer.count
                status = buffer.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress
                    stream.avail_out = uInt(capacity)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                out.append(contentsOf: buffer[0..<(capacity - Int(stream.avail_out))])
            } while status == Z_OK
        }
        #expect(status == Z_STREAM_END)
        return out
    }

    @Test func deflaterOutputIsGzipOfTheInput() throws {
        var rng = SystemRandomNumberGenerator()
        let random = (0..<300_000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let text = Array(String(repeating: "the quick brown fox ", count: 20_000).utf8)
        for input in [[], [UInt8](repeating: 7, count: 1), text, random] {
            let deflater = try GzipDeflater()
            var compressed: [UInt8] = []
            var offset = 0
            while offset < input.count {  // fed in uneven pieces, as the file is read
                let end = min(input.count, offset + 70_001)
                compressed += try deflater.compress(Array(input[offset..<end]))
                offset = end
            }
            compressed += try deflater.finish()
            #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B])
            #expect(try Self.gunzip(compressed) == input)
            #expect(try deflater.finish() == [])
        }
    }

    static func info(size: Int64, contentType: String, contentEncoding: String? = nil) -> ObjectInfo {
        var metadata = ObjectMetadata(contentType: contentType)
        metadata.contentEncoding = contentEncoding
        return ObjectInfo(key: "k", size: size, etag: "E", lastModified: 0, crc64: 0, metadata: metadata)
    }

    @Test func whichObjectsAreCompressed() {
        let gzip = HTTPHeaders([("Accept-Encoding", "gzip")])
        #expect(GzipEncoding.applies(to: Self.info(size: 1024, contentType: "text/plain"), requestHeaders: gzip))
        #expect(GzipEncoding.applies(to: Self.info(size: 5000, contentType: "application/json; charset=utf-8"), requestHeaders: gzip))
        #expect(GzipEncoding.applies(to: Self.info(size: 5000, contentType: "Text/HTML"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: 1023, contentType: "text/plain"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: 5000, contentType: "image/jpeg"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: 5000, contentType: "application/x-mpegURL"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: GzipEncoding.maximumBytes + 1, contentType: "text/plain"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: 5000, contentType: "text/plain", contentEncoding: "br"), requestHeaders: gzip))
        #expect(!GzipEncoding.applies(to: Self.info(size: 5000, contentType: "text/plain"), requestHeaders: [:]))
        #expect(GzipEncoding.minimumBytes == 1024)
    }

    @Test func acceptEncodingHeader() {
        #expect(GzipEncoding.acceptsGzip("gzip"))
        #expect(GzipEncoding.acceptsGzip("deflate, gzip;q=0.5"))
        #expect(GzipEncoding.acceptsGzip("GZIP"))
        #expect(!GzipEncoding.acceptsGzip("gzip;q=0"))
        #expect(!GzipEncoding.acceptsGzip("identity"))
        #expect(!GzipEncoding.acceptsGzip("x-gzip2"))
    }
}
