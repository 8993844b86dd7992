import Testing
import Transport
@testable import ObjectAPI

@Suite struct PreconditionsTests {
    static let etag = "5EB63BBBE01EEED093CB22BB8F5ACDC3"
    static let modified: Int64 = 1_700_000_000
    static let before = "Tue, 14 Nov 2023 22:13:19 GMT"  // modified - 1
    static let at = "Tue, 14 Nov 2023 22:13:20 GMT"      // modified
    static let after = "Tue, 14 Nov 2023 22:13:21 GMT"   // modified + 1

    func evaluate(_ pairs: [(String, String)]) -> Preconditions.Outcome {
        Preconditions.evaluate(HTTPHeaders(pairs), etag: Self.etag, lastModifiedSeconds: Self.modified)
    }

    @Test func noConditions() {
        #expect(evaluate([]) == .proceed)
    }

    @Test func ifMatch() {
        #expect(evaluate([("If-Match", "\"\(Self.etag)\"")]) == .proceed)
        #expect(evaluate([("If-Match", Self.etag.lowercased())]) == .proceed)
        #expect(evaluate([("If-Match", "\"other\", W/\"\(Self.etag)\"")]) == .proceed)
        #expect(evaluate([("If-Match", "*")]) == .proceed)
        #expect(evaluate([("If-Match", "\"other\"")]) == .failed)
        // If-Match wins over a failing If-Unmodified-Since.
        #expect(evaluate([("If-Match", "\"\(Self.etag)\""), ("If-Unmodified-Since", Self.before)]) == .proceed)
    }

    @Test func ifUnmodifiedSince() {
        #expect(evaluate([("If-Unmodified-Since", Self.at)]) == .proceed)
        #expect(evaluate([("If-Unmodified-Since", Self.after)]) == .proceed)
        #expect(evaluate([("If-Unmodified-Since", Self.before)]) == .failed)
        #expect(evaluate([("If-Unmodified-Since", "not a date")]) == .proceed)
    }

    @Test func ifNoneMatch() {
        #expect(evaluate([("If-None-Match", "\"\(Self.etag)\"")]) == .notModified)
        #expect(evaluate([("If-None-Match", "*")]) == .notModified)
        #expect(evaluate([("If-None-Match", "\"other\"")]) == .proceed)
        // If-None-Match decides alone, even with an If-Modified-Since that would say 304.
        #expect(evaluate([("If-None-Match", "\"other\""), ("If-Modified-Since", Self.after)]) == .proceed)
    }

    @Test func ifModifiedSince() {
        #expect(evaluate([("If-Modified-Since", Self.at)]) == .notModified)
        #expect(evaluate([("If-Modified-Since", Self.after)]) == .notModified)
        #expect(evaluate([("If-Modified-Since", Self.before)]) == .proceed)
        #expect(evaluate([("If-Modified-Since", "garbage")]) == .proceed)
    }

    @Test func failureComesBeforeNotModified() {
        #expect(evaluate([("If-Match", "\"other\""), ("If-None-Match", "\"\(Self.etag)\"")]) == .failed)
    }
}
