import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import OSSProtocol
import Storage
import Transport

/// GetObject with `Accept-Encoding: gzip`, as OSS documents it: an object of
/// at least 1 KB whose Content-Type is one of a few text types is sent
/// gzip-compressed, chunked, with `Content-Encoding: gzip` and without
/// ETag, Content-Length and Accept-Ranges. Other objects, range requests and
/// objects stored with a Content-Encoding of their own are sent as stored.
enum GzipEncoding {
    static let minimumBytes: Int64 = 1024
    /// The stream has no flow control, so a slow client could make the
    /// compressed body pile up in memory; larger objects go out uncompressed
    /// (OSS names no upper limit).
    static let maximumBytes: Int64 = 64 << 20
    static let compressibleTypes: Set<String> = [
        "text/cache-manifest", "text/xml", "text/css", "text/html", "text/plain", "application/javascript",
        "application/x-javascript", "application/rss+xml", "application/json", "text/json",
    ]
    static let readChunkBytes = 256 << 10

    static func applies(to info: ObjectInfo, requestHeaders: HTTPHeaders) -> Bool {
        guard let accept = requestHeaders["Accept-Encoding"], acceptsGzip(accept) else { return false }
        guard info.size >= minimumBytes, info.size <= maximumBytes, info.metadata.contentEncoding == nil else { return false }
        return isCompressible(info.metadata.contentType)
    }

    static func isCompressible(_ contentType: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { String($0).trimmingSpaces.lowercased() } ?? ""
        return compressibleTypes.contains(mediaType)
    }

    /// `gzip` listed without `q=0`.
    static func acceptsGzip(_ header: String) -> Bool {
        for item in header.split(separator: ",") {
            let parameters = item.split(separator: ";").map { String($0).trimmingSpaces.lowercased() }
            guard parameters.first == "gzip" else { continue }
            for parameter in parameters.dropFirst() where parameter.hasPrefix("q=") {
                if let quality = Double(parameter.dropFirst(2)), quality <= 0 { return false }
            }
            return true
        }
        return false
    }

    /// The object compressed on a background queue into a streamed body;
    /// the descriptor is closed when done or when the client goes away.
    static func response(_ context: RequestContext, headers: HTTPHeaders, descriptor: Int32, info: ObjectInfo) -> HTTPResponse {
        var headers = headers
        for name in ["ETag", "Content-Length", "Accept-Ranges", "Content-MD5"] { headers.remove(name) }
        headers.add("Vary", "Accept-Encoding")
        headers.add("Content-Encoding", "gzip")
        let stream = HTTPBodyStream()
        DispatchQueue.global().async {
            defer { closeDescriptor(descriptor) }
            do {
                let deflater = try GzipDeflater()
                var buffer = [UInt8](repeating: 0, count: readChunkBytes)
                while !stream.isCancelled {
                    let count = try buffer.withUnsafeMutableBytes { try readSome(descriptor, into: $0) }
                    if count == 0 { break }
                    try buffer.withUnsafeBytes { stream.write(try deflater.compress(UnsafeRawBufferPointer(rebasing: $0[0..<count]))) }
                }
                stream.write(try deflater.finish())
            } catch {
                // The status line is gone: the gzip stream ends without its
                // trailer, which the client's decoder reports as truncated.
            }
            stream.finish()
        }
        return context.respond.response(headers: headers, body: .stream(stream))
    }

    private static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw PosixError.last("read object") }
        }
    }
}
