#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// Reads a whole (small) file.
public func readSmallFile(_ path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw PosixError.last("open \(path)") }
    defer { _ = close(descriptor) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw PosixError.last("read \(path)")
        }
        if count == 0 { return result }
        result.append(contentsOf: buffer[0..<count])
    }
}

public struct PosixError: Error, CustomStringConvertible {
    public let description: String
    static func last(_ what: String) -> PosixError {
        PosixError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
