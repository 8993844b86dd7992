import Testing
@testable import ObjectAPI

/// OSS range semantics on a 1000-byte object: by default a range that does not
/// fit is ignored (200, whole object); `x-oss-range-behavior: standard` clamps
/// the end and refuses a start past the end (416).
@Suite struct ByteRangeTests {
    @Test func parsing() {
        #expect(ByteRange.parse("bytes=0-499") == .closed(0, 499))
        #expect(ByteRange.parse(" bytes=500- ") == .from(500))
        #expect(ByteRange.parse("bytes=-500") == .suffix(500))
        for ignored in ["byte=0-499", "bytes=5-1", "bytes=0-1,4-5", "bytes=-", "bytes=a-b", "bytes=--5", "items=0-1",
                        "bytes=99999999999999999999-"] {
            #expect(ByteRange.parse(ignored) == nil, "\(ignored)")
        }
    }

    @Test(arguments: [
        // header, default outcome, standard outcome
        ("bytes=0-499", ByteRange.Outcome.partial(0, 499), ByteRange.Outcome.partial(0, 499)),
        ("bytes=500-999", .partial(500, 999), .partial(500, 999)),
        ("bytes=500-2000", .whole, .partial(500, 999)),
        ("bytes=0-1000", .whole, .partial(0, 999)),
        ("bytes=1000-2000", .whole, .unsatisfiable),
        ("bytes=1000-", .whole, .unsatisfiable),
        ("bytes=999-", .partial(999, 999), .partial(999, 999)),
        ("bytes=-500", .partial(500, 999), .partial(500, 999)),
        ("bytes=-1000", .partial(0, 999), .partial(0, 999)),
        ("bytes=-2000", .whole, .partial(0, 999)),
        ("bytes=-0", .whole, .unsatisfiable),
    ])
    func outcomes(header: String, byDefault: ByteRange.Outcome, standard: ByteRange.Outcome) throws {
        let range = try #require(ByteRange.parse(header))
        #expect(range.resolve(size: 1000, standard: false) == byDefault)
        #expect(range.resolve(size: 1000, standard: true) == standard)
    }

    @Test func emptyObject() {
        #expect(ByteRange.closed(0, 0).resolve(size: 0, standard: false) == .whole)
        #expect(ByteRange.closed(0, 0).resolve(size: 0, standard: true) == .unsatisfiable)
        #expect(ByteRange.suffix(5).resolve(size: 0, standard: true) == .unsatisfiable)
    }
}
