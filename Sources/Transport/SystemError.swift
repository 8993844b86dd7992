#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum SystemError {
    /// strerror text for an errno value.
    static func text(_ code: Int32) -> String {
        guard let message = strerror(code) else { return "error \(code)" }
        return String(cString: message)
    }
}

/// `close(2)`, reachable from types that have a `close()` of their own.
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// `connect(2)`, reachable from types that have a `connect` of their own.
func connectDescriptor(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    connect(descriptor, address, length)
}
