#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 socket address, resolved from the host strings users type.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    var family: Int32 { Int32(storage.ss_family) }

    /// `127.0.0.1`, `0.0.0.0`, `::1`, `[::1]`, `::`, `localhost` (always
    /// 127.0.0.1, whatever /etc/hosts says), or a name for getaddrinfo.
    static func resolve(host: String, port: UInt16) throws(TransportError) -> SocketAddress {
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name.isEmpty || name == "localhost" { name = "127.0.0.1" }
        if let address = numeric(name, port: port) { return address }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = socketStream
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, String(port), &hints, &list) == 0, let first = list else {
            throw .invalidHost(host)
        }
        defer { freeaddrinfo(list) }
        var address = SocketAddress()
        withUnsafeMutableBytes(of: &address.storage) { raw in
            let count = min(Int(first.pointee.ai_addrlen), raw.count)
            if let source = first.pointee.ai_addr {
                raw.copyMemory(from: UnsafeRawBufferPointer(start: source, count: count))
            }
        }
        address.length = first.pointee.ai_addrlen
        return address
    }

    private static func numeric(_ name: String, port: UInt16) -> SocketAddress? {
        var address = SocketAddress()
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, name, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.storage) { raw in
                withUnsafeBytes(of: &v4) { raw.copyMemory(from: $0) }
            }
            address.length = socklen_t(MemoryLayout<sockaddr_in>.size)
            return address
        }
        var v6 = sockaddr_in6()
        if inet_pton(AF_INET6, name, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &address.storage) { raw in
                withUnsafeBytes(of: &v6) { raw.copyMemory(from: $0) }
            }
            address.length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            return address
        }
        return nil
    }

    var port: UInt16 {
        var copy = storage
        return withUnsafeBytes(of: &copy) { raw in
            switch family {
            case AF_INET: return UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            case AF_INET6: return UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
            default: return 0
            }
        }
    }

    /// `ip:port`, or `[v6]:port`.
    var description: String {
        var copy = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        return withUnsafeBytes(of: &copy) { raw -> String in
            switch family {
            case AF_INET:
                var address = raw.load(as: sockaddr_in.self)
                guard inet_ntop(AF_INET, &address.sin_addr, &text, socklen_t(text.count)) != nil else { return "?" }
                return Self.string(text) + ":" + String(UInt16(bigEndian: address.sin_port))
            case AF_INET6:
                var address = raw.load(as: sockaddr_in6.self)
                guard inet_ntop(AF_INET6, &address.sin6_addr, &text, socklen_t(text.count)) != nil else { return "?" }
                var host = Self.string(text)
                let port = String(UInt16(bigEndian: address.sin6_port))
                // An IPv4 client of a dual-stack listener is shown as IPv4.
                if host.hasPrefix("::ffff:") && host.contains(".") {
                    host.removeFirst("::ffff:".count)
                    return host + ":" + port
                }
                return "[" + host + "]:" + port
            default:
                return "?"
            }
        }
    }

    /// The address without its port: `ip` or `[v6]`.
    var host: String {
        let text = description
        guard let colon = text.lastIndex(of: ":") else { return text }
        return String(text[..<colon])
    }

    private static func string(_ chars: [CChar]) -> String {
        String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local address of a socket.
    static func local(of fd: Int32) -> SocketAddress? {
        var address = SocketAddress()
        address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &address.length) }
        }
        return result == 0 ? address : nil
    }
}

#if canImport(Darwin)
let socketStream = SOCK_STREAM
#else
let socketStream = Int32(SOCK_STREAM.rawValue)
#endif
