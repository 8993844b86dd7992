import Testing
@testable import MediaFormats

@Suite struct HLSPlaylistTests {
    @Test func extinfHasThreeDecimals() {
        #expect(HLSPlaylistText.extinf(milliseconds: 7120) == "7.120")
        #expect(HLSPlaylistText.extinf(milliseconds: 5) == "0.005")
        #expect(HLSPlaylistText.extinf(milliseconds: 13320) == "13.320")
        #expect(HLSPlaylistEntry(uri: "a", duration: 2.0004).milliseconds == 2000)
        #expect(HLSPlaylistEntry(uri: "a", duration: 2.0005).milliseconds == 2001)
        #expect(HLSPlaylistEntry(uri: "a", duration: .nan).milliseconds == 0)
    }

    @Test func targetDurationIsCeilOfExtinfMinusAMillisecond() {
        #expect(HLSPlaylistText.targetDuration(forMilliseconds: 5000) == 5)
        #expect(HLSPlaylistText.targetDuration(forMilliseconds: 5001) == 5)
        #expect(HLSPlaylistText.targetDuration(forMilliseconds: 5002) == 6)
        #expect(HLSPlaylistText.targetDuration(forMilliseconds: 13320) == 14)
    }

    @Test func liveWindowRollsWithSequenceNumbers() {
        var p = HLSLivePlaylist(windowSize: 3, minimumTargetDuration: 5)
        #expect(p.render() == "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:5\n#EXT-X-MEDIA-SEQUENCE:0\n")
        p.append(HLSPlaylistEntry(uri: "1000.ts", duration: 5.005, discontinuityBefore: true))
        p.append(HLSPlaylistEntry(uri: "6005.ts", duration: 5.0))
        p.append(HLSPlaylistEntry(uri: "11005.ts", duration: 4.2))
        let removed = p.append(HLSPlaylistEntry(uri: "15205.ts", duration: 6.4))
        #expect(removed.map(\.uri) == ["1000.ts"])
        #expect(p.render() == """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:7
            #EXT-X-MEDIA-SEQUENCE:1
            #EXT-X-DISCONTINUITY-SEQUENCE:1
            #EXTINF:5.000,
            6005.ts
            #EXTINF:4.200,
            11005.ts
            #EXTINF:6.400,
            15205.ts

            """)
    }

    @Test func discontinuitiesAndEndList() {
        var p = HLSLivePlaylist(windowSize: 2, minimumTargetDuration: 2)
        p.append(HLSPlaylistEntry(uri: "a.ts", duration: 2))
        p.end()
        #expect(p.render().hasSuffix("a.ts\n#EXT-X-ENDLIST\n"))
        // A new push: ENDLIST goes, the first new segment starts a timeline.
        p.reopen()
        p.append(HLSPlaylistEntry(uri: "b.ts", duration: 2, discontinuityBefore: true))
        #expect(p.render().hasSuffix("#EXTINF:2.000,\na.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\nb.ts\n"))
        #expect(p.discontinuitySequence == 0)  // no DISCONTINUITY-SEQUENCE tag until one scrolls out
        #expect(!p.render().contains("DISCONTINUITY-SEQUENCE"))
        p.append(HLSPlaylistEntry(uri: "c.ts", duration: 2))
        #expect(p.discontinuitySequence == 0 && p.mediaSequence == 1)
        p.append(HLSPlaylistEntry(uri: "d.ts", duration: 2))
        #expect(p.discontinuitySequence == 1 && p.mediaSequence == 2)
        #expect(p.render().contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"))
        #expect(!p.render().contains("#EXT-X-DISCONTINUITY\n"))
    }

    @Test func targetDurationNeverDecreases() {
        var p = HLSLivePlaylist(windowSize: 1, minimumTargetDuration: 2)
        p.append(HLSPlaylistEntry(uri: "a.ts", duration: 9.5))
        #expect(p.targetDuration == 10)
        p.append(HLSPlaylistEntry(uri: "b.ts", duration: 2))
        #expect(p.entries.map(\.uri) == ["b.ts"])
        #expect(p.targetDuration == 10)
        #expect(p.render().contains("#EXT-X-TARGETDURATION:10\n"))
    }

    @Test func restoredCounters() {
        var p = HLSLivePlaylist(windowSize: 3, minimumTargetDuration: 5, mediaSequence: 41, discontinuitySequence: 2)
        p.append(HLSPlaylistEntry(uri: "x.ts", duration: 1))
        #expect(p.render().contains("#EXT-X-MEDIA-SEQUENCE:41\n#EXT-X-DISCONTINUITY-SEQUENCE:2\n"))
    }

    @Test func vodPlaylistLikeOSSExample() {
        let text = HLSVODPlaylist.render(entries: [
            HLSPlaylistEntry(uri: "1543895706266.ts", duration: 7.12),
            HLSPlaylistEntry(uri: "1543895713370.ts", duration: 12.5, discontinuityBefore: true),
        ])
        #expect(text == """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:13
            #EXT-X-MEDIA-SEQUENCE:0
            #EXTINF:7.120,
            1543895706266.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:12.500,
            1543895713370.ts
            #EXT-X-ENDLIST

            """)
        #expect(HLSVODPlaylist.render(entries: []).contains("#EXT-X-TARGETDURATION:1\n"))
    }

    @Test func channelDefaults() {
        let p = HLSLivePlaylist(fragmentCount: 3, fragmentDuration: 5)
        #expect(p.windowSize == 3 && p.targetDuration == 5)
        #expect(HLSLivePlaylist(fragmentCount: 3, fragmentDuration: 2.5).targetDuration == 3)
        #expect(HLSLivePlaylist(fragmentCount: 0, fragmentDuration: .nan).windowSize == 1)
    }

    @Test func parsesWhatItRenders() throws {
        var p = HLSLivePlaylist(windowSize: 2, minimumTargetDuration: 5)
        p.append(HLSPlaylistEntry(uri: "a.ts", duration: 5.2, discontinuityBefore: true))
        p.append(HLSPlaylistEntry(uri: "b.ts", duration: 4.8))
        p.append(HLSPlaylistEntry(uri: "c.ts", duration: 5.0, discontinuityBefore: true))
        p.end()
        let parsed = try ParsedHLSPlaylist(parsing: p.render())
        #expect(parsed.mediaSequence == 1 && parsed.discontinuitySequence == 1 && parsed.targetDuration == 6)
        #expect(parsed.entries == p.entries && parsed.isEnded)
        let restored = parsed.livePlaylist(windowSize: 2, minimumTargetDuration: 5)
        #expect(restored == p)
        #expect(restored.render() == p.render())
    }

    @Test func parsesOtherWritersAndRejectsGarbage() throws {
        let text = "#EXTM3U\r\n#EXT-X-VERSION:3\r\n#EXT-X-TARGETDURATION:2\r\n\r\n#EXTINF:2.005167,title\r\np0.ts\r\n#EXT-X-PROGRAM-DATE-TIME:2020\r\n#EXTINF:2,\r\np1.ts\r\n"
        let parsed = try ParsedHLSPlaylist(parsing: text)
        #expect(parsed.entries == [HLSPlaylistEntry(uri: "p0.ts", duration: 2.005167), HLSPlaylistEntry(uri: "p1.ts", duration: 2)])
        #expect(!parsed.isEnded && parsed.mediaSequence == 0)
        #expect(throws: HLSPlaylistError.missingHeader) { try ParsedHLSPlaylist(parsing: "") }
        #expect(throws: HLSPlaylistError.uriWithoutDuration(line: 2)) { try ParsedHLSPlaylist(parsing: "#EXTM3U\na.ts\n") }
        #expect(throws: HLSPlaylistError.invalidValue(line: 2)) { try ParsedHLSPlaylist(parsing: "#EXTM3U\n#EXTINF:x,\na.ts") }
        #expect(throws: HLSPlaylistError.invalidValue(line: 2)) { try ParsedHLSPlaylist(parsing: "#EXTM3U\n#EXT-X-MEDIA-SEQUENCE:-1") }
    }
}
