#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Digest

/// Gathers one request body: in memory while small, then in a spool file,
/// hashing every byte (MD5, CRC-64) as it passes so nothing is read twice.
final class RequestBodyCollector {
    private let inMemoryLimit: Int
    private let spoolDirectory: String
    private var memory: [UInt8] = []
    private var spool: (fd: Int32, path: String)?
    private(set) var length: Int64 = 0
    /// Created on the first body byte: most requests have no body.
    private var md5: StreamingHash?
    private var crc = CRC64()

    /// MD5 of empty input.
    static let emptyMD5: [UInt8] = [
        0xD4, 0x1D, 0x8C, 0xD9, 0x8F, 0x00, 0xB2, 0x04, 0xE9, 0x80, 0x09, 0x98, 0xEC, 0xF8, 0x42, 0x7E,
    ]

    /// `expectedLength` (from Content-Length) sends a large body straight to disk.
    init(inMemoryLimit: Int, spoolDirectory: String, expectedLength: Int64?) throws(HTTPRequestError) {
        self.inMemoryLimit = inMemoryLimit
        self.spoolDirectory = spoolDirectory
        if let expectedLength, expectedLength > Int64(inMemoryLimit) {
            try openSpool()
        }
    }

    deinit { discard() }

    func append(_ bytes: UnsafeRawBufferPointer) throws(HTTPRequestError) {
        guard !bytes.isEmpty else { return }
        if md5 == nil { md5 = StreamingHash(.md5) }
        md5?.update(bytes)
        crc.update(bytes)
        length += Int64(bytes.count)
        if spool == nil && memory.count + bytes.count > inMemoryLimit {
            try openSpool()
            let held = memory
            memory = []
            if let failure = held.withUnsafeBytes({ spoolFailure(writing: $0) }) { throw failure }
        }
        if spool != nil {
            if let failure = spoolFailure(writing: bytes) { throw failure }
        } else {
            memory.append(contentsOf: bytes)
        }
    }

    /// The finished body and its digests; the spool file (if any) now belongs
    /// to the request, and `spoolPath` is what to unlink afterwards.
    func finish() -> (body: HTTPRequestBody, md5: [UInt8], crc64: UInt64, spoolPath: String?) {
        let digest = md5?.finalize() ?? Self.emptyMD5
        if let spool {
            close(spool.fd)
            self.spool = nil
            return (.file(path: spool.path, length: length), digest, crc.value, spool.path)
        }
        let body: HTTPRequestBody = memory.isEmpty ? .empty : .bytes(memory)
        memory = []
        return (body, digest, crc.value, nil)
    }

    /// Drops a body that will not be handled (connection lost, request refused).
    func discard() {
        if let spool {
            close(spool.fd)
            unlink(spool.path)
            self.spool = nil
        }
        memory = []
    }

    private func openSpool() throws(HTTPRequestError) {
        // A random name with O_EXCL: no other process can pre-create or read it.
        for _ in 0..<Self.nameAttempts {
            let name = "http-body-" + Hex.encode((0..<8).map { _ in UInt8.random(in: 0...255) })
            let path = spoolDirectory.hasSuffix("/") ? spoolDirectory + name : spoolDirectory + "/" + name
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if fd >= 0 {
                spool = (fd, path)
                return
            }
            guard errno == EEXIST else {
                throw .spoolFailed(reason: "\(path): \(SystemError.text(errno))")
            }
        }
        throw .spoolFailed(reason: "no free file name in \(spoolDirectory)")
    }

    private static let nameAttempts = 8

    private func spoolFailure(writing bytes: UnsafeRawBufferPointer) -> HTTPRequestError? {
        guard let spool, let base = bytes.baseAddress else { return nil }
        var offset = 0
        while offset < bytes.count {
            let written = write(spool.fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return .spoolFailed(reason: "\(spool.path): \(SystemError.text(errno))")
            }
            offset += written
        }
        return nil
    }
}
