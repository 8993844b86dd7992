import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

/// The bytes libFuzzer hands a target, copied into an array.
public func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A piece size for feeding an incremental decoder, derived from the input so
/// each input is fed the same way every run (1...64 bytes): splitting at
/// every possible place finds state carried wrongly across reads.
public func pieceSize(of bytes: [UInt8]) -> Int {
    var hash: UInt32 = 2_166_136_261
    for byte in bytes.prefix(64) { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
    return Int(hash % 64) + 1
}

/// Splits `bytes` into consecutive pieces of `size` bytes (the last shorter).
public func pieces(of bytes: [UInt8], size: Int) -> [ArraySlice<UInt8>] {
    stride(from: 0, to: bytes.count, by: max(1, size)).map { bytes[$0..<min($0 + max(1, size), bytes.count)] }
}

/// Fails the run loudly: a broken invariant is a finding, like a trap.
public func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("fuzz invariant: \(message())") }
}

/// Text of arbitrary bytes, invalid UTF-8 repaired, as a server would read it.
public func fuzzText(_ bytes: some Collection<UInt8>) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// Standard base64 with padding, for parsers whose input arrives encoded.
public func base64(_ bytes: some Collection<UInt8>) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    let input = Array(bytes)
    var out: [UInt8] = []
    out.reserveCapacity((input.count + 2) / 3 * 4)
    var index = 0
    while index < input.count {
        let count = min(3, input.count - index)
        var group = UInt32(input[index]) << 16
        if count > 1 { group |= UInt32(input[index + 1]) << 8 }
        if count > 2 { group |= UInt32(input[index + 2]) }
        for k in 0..<4 {
            out.append(k <= count ? alphabet[Int((group >> (18 - 6 * UInt32(k))) & 0x3F)] : UInt8(ascii: "="))
        }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}

/// A request written as text: `METHOD target` on the first line, then
/// `Name: value` header lines up to an empty line; the rest is the body.
public struct TextRequest {
    public var method = ""
    public var target = ""
    public var headers: [(name: String, value: String)] = []
    public var body: [UInt8] = []

    public init(_ bytes: [UInt8]) {
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false)[...]
        let first = fuzzText(lines.popFirst() ?? [])
        let parts = first.split(separator: " ", maxSplits: 1)
        method = parts.first.map(String.init) ?? ""
        target = parts.count > 1 ? String(parts[1]) : "/"
        var consumed = first.utf8.count + 1
        while let line = lines.popFirst() {
            consumed += line.count + 1
            let text = fuzzText(line)
            if text.isEmpty { break }
            let pair = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            headers.append((String(pair[0]), pair.count > 1 ? String(pair[1].drop { $0 == " " }) : ""))
        }
        body = consumed < bytes.count ? Array(bytes[consumed...]) : []
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Hands the process to libFuzzer with `testOneInput` as the target. The
/// arguments are libFuzzer's (`-runs=`, corpus directories, ...).
public func runLibFuzzer(_ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    let status = LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    exit(status)
}
