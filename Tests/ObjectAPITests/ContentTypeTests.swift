import Testing
import OSSProtocol
@testable import ObjectAPI

@Suite struct ContentTypeTests {
    /// Playlists (never cached by players) are told apart in any case, with parameters.
    @Test func playlistTypes() {
        for playlist in ["application/x-mpegURL", "application/x-mpegurl", "APPLICATION/VND.APPLE.MPEGURL",
                         "application/vnd.apple.mpegurl; charset=utf-8", "application/x-mpegurlx"] {
            #expect(ContentTypes.isPlaylist(playlist), "\(playlist)")
        }
        for other in ["", "application/x-mpegur", "video/MP2T", "text/plain", " application/x-mpegurl",
                      "application/x-mpégurl", "applİcation/x-mpegurl"] {
            #expect(!ContentTypes.isPlaylist(other), "\(other)")
        }
    }
}

@Suite struct HTTPDateCacheTests {
    /// Same text as formatting afresh, also for seconds that share a slot and at the clamped ends.
    @Test func cachedDatesAreTheFormattedOnes() {
        let seconds: [Int64] = [0, 64, 1_709_625_600, 1_709_625_600 + 64, -1, Int64.min, Int64.max, 1_709_625_600]
        for _ in 0..<2 {
            for value in seconds {
                #expect(HTTPDateCache.httpDate(value) == OSSTime.httpDate(value), "\(value)")
            }
        }
    }
}
