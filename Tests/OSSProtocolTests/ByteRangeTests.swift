import Testing
@testable import OSSProtocol

/// OSS's documented range behaviour, for a 1000-byte object.
@Suite struct ByteRangeTests {
    static let cases: [(String?, ByteRange.Selection, ByteRange.Selection?)] = [
        // header, default behaviour, standard behaviour (nil = 416 InvalidRange)
        ("bytes=0-499", .partial(0...499), .partial(0...499)),
        ("bytes=500-999", .partial(500...999), .partial(500...999)),
        ("bytes=-500", .partial(500...999), .partial(500...999)),
        ("bytes=500-", .partial(500...999), .partial(500...999)),
        ("bytes=0-", .partial(0...999), .partial(0...999)),
        ("bytes=0-499,500-999", .partial(0...499), .partial(0...499)),
        ("bytes=500-2000", .full, .partial(500...999)),
        ("bytes=0-1000", .full, .partial(0...999)),
        ("bytes=1000-2000", .full, nil),
        ("bytes=1000-", .full, nil),
        ("bytes=-2000", .full, .partial(0...999)),
        ("bytes=-0", .full, nil),
        ("byte=0-499", .full, .full),
        ("bytes=5-1", .full, .full),
        ("bytes=a-b", .full, .full),
        ("bytes=-", .full, .full),
        ("bytes=1-2-3", .full, .full),
        ("bytes=99999999999999999999-", .full, .full),
        ("", .full, .full),
        (nil, .full, .full),
    ]

    @Test(arguments: cases.indices)
    func selection(_ index: Int) {
        let (header, byDefault, standard) = ByteRangeTests.cases[index]
        #expect((try? ByteRange.select(header: header, size: 1000, standard: false)) == byDefault, "\(header ?? "nil")")
        if let standard {
            #expect((try? ByteRange.select(header: header, size: 1000, standard: true)) == standard, "\(header ?? "nil")")
        } else {
            let error = expectOSSError { () throws(OSSError) in try ByteRange.select(header: header, size: 1000, standard: true) }
            #expect(error?.status == 416 && error?.code == "InvalidRange")
            #expect(error?.detail("ActualObjectSize") == "1000")
        }
    }

    @Test func emptyObjectAndContentRange() {
        #expect((try? ByteRange.select(header: "bytes=0-0", size: 0, standard: false)) == .full)
        #expect(expectOSSError { () throws(OSSError) in try ByteRange.select(header: "bytes=0-", size: 0, standard: true) }?.status == 416)
        #expect(expectOSSError { () throws(OSSError) in try ByteRange.select(header: "bytes=-5", size: 0, standard: true) }?.status == 416)
        #expect(ByteRange.contentRange(0...499, size: 1000) == "bytes 0-499/1000")
    }
}
