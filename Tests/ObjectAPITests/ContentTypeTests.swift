import Testing
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
