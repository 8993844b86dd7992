import Testing
@testable import Emulator

@Suite struct RequestIDTests {
    /// 24 upper-case hex digits: the second (8), then a counter (16) that only grows.
    @Test func secondsThenARisingCounter() throws {
        let first = RequestID.next(nowMilliseconds: 1_709_625_600_123)
        let second = RequestID.next(nowMilliseconds: 1_709_625_600_999)
        for id in [first, second] {
            #expect(id.utf8.count == RequestID.length)
            #expect(id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x46).contains($0) }, "\(id)")
            #expect(id.hasPrefix("65E6D100"), "\(id)")
        }
        let a = try #require(UInt64(first.dropFirst(8), radix: 16))
        let b = try #require(UInt64(second.dropFirst(8), radix: 16))
        #expect(b > a)
        // Before 1970 the second wraps as an unsigned 32-bit number.
        #expect(RequestID.next(nowMilliseconds: -1000).hasPrefix("FFFFFFFF"))
    }
}
