import CZlib

/// A gzip (RFC 1952) compressor over zlib: feed bytes, get compressed bytes;
/// `finish()` flushes the rest and the trailer (CRC-32 and length). Sans-I/O,
/// so it is tested with byte arrays. Not thread-safe; one stream each.
final class GzipDeflater {
    enum Failure: Error, Equatable {
        case zlib(Int32)
    }

    private var stream = z_stream()
    private var finished = false
    private var output = [UInt8](repeating: 0, count: 64 << 10)

    /// `level` 1 (fast) to 9 (small); OSS does not say which it uses.
    init(level: Int32 = 6) throws {
        // windowBits 15 + 16 asks zlib for a gzip wrapper instead of zlib's own.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure.zlib(status) }
    }

    deinit {
        deflateEnd(&stream)
    }

    func compress(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        try run(input, flush: Z_NO_FLUSH)
    }

    func compress(_ input: [UInt8]) throws -> [UInt8] {
        try input.withUnsafeBytes { try compress($0) }
    }

    func finish() throws -> [UInt8] {
        guard !finished else { return [] }
        finished = true
        return try run(UnsafeRawBufferPointer(start: nil, count: 0), flush: Z_FINISH)
    }

    private func run(_ input: UnsafeRawBufferPointer, flush: Int32) throws -> [UInt8] {
        var produced: [UInt8] = []
        let base = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        stream.next_in = UnsafeMutablePointer(mutating: base)
        stream.avail_in = uInt(input.count)
        defer {
            stream.next_in = nil
            stream.avail_in = 0
        }
        let capacity = output.count
        while true {
            let status = output.withUnsafeMutableBytes { raw -> Int32 in
                stream.next_out = raw.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(capacity)
                return deflate(&stream, flush)
            }
            let count = capacity - Int(stream.avail_out)
            produced.append(contentsOf: output[0..<count])
            switch status {
            case Z_STREAM_END:
                return produced
            case Z_OK, Z_BUF_ERROR:
                // Done when zlib took all input and had room to spare; with
                // Z_FINISH it goes on until Z_STREAM_END.
                if flush != Z_FINISH && stream.avail_in == 0 && stream.avail_out != 0 { return produced }
                if status == Z_BUF_ERROR && count == 0 { return produced }
            default:
                throw Failure.zlib(status)
            }
        }
    }
}
