import Foundation
import Testing
@testable import MediaFormats

@Suite struct RemuxerBehaviourTests {
    static let av = "av-640x360-30fps.flv"

    static func allBytes(_ segments: [FinishedSegment]) -> [UInt8] { segments.flatMap(\.bytes) }

    static func opened(_ events: [RemuxEvent]) -> [SegmentStart] {
        events.compactMap { if case .segmentOpened(let s) = $0 { return s } else { return nil } }
    }

    static func drops(_ events: [RemuxEvent]) -> [RemuxDropReason] {
        events.compactMap { if case .dropped(let r) = $0 { return r } else { return nil } }
    }

    @Test func streamInfoFromSequenceHeaders() throws {
        let (_, _, remuxer) = try remux(try Fixtures.tags(Self.av))
        let video = try #require(remuxer.videoInfo)
        #expect(video.codec == "H264" && video.width == 640 && video.height == 360 && video.frameRate == 30)
        #expect(video.profileIDC == 77 && video.levelIDC == 30)
        let audio = try #require(remuxer.audioInfo)
        #expect(audio.codec == "AAC" && audio.sampleRate == 44100 && audio.channels == 2 && audio.objectType == 2)
    }

    @Test func timestampWrapAt2Pow32ChangesNothingButTheReportedClock() throws {
        let tags = try Fixtures.tags(Self.av)
        let plain = try remux(tags)
        let shift = UInt32.max - 2999  // 2^32 − 3000: wraps 3 s in
        let wrapped = try remux(tags, timestampShift: shift)
        #expect(Self.allBytes(wrapped.segments) == Self.allBytes(plain.segments))
        #expect(wrapped.segments.map(\.duration) == plain.segments.map(\.duration))
        #expect(wrapped.segments.map(\.firstTimestamp) == plain.segments.map { $0.firstTimestamp + Int64(shift) })
        #expect(wrapped.segments.last.map { $0.firstTimestamp > Int64(UInt32.max) } == true)
        #expect(wrapped.events.allSatisfy { if case .segmentOpened(let s) = $0 { return !s.discontinuity } else { return true } })
    }

    @Test func endOfSequenceIsNeverMuxed() throws {
        let tags = try Fixtures.tags(Self.av)
        let with = try remux(tags)
        #expect(Self.drops(with.events).contains(.endOfSequence))
        let without = try remux(tags.filter { $0.payload != [0x17, 0x02, 0, 0, 0][...] })
        #expect(Self.allBytes(with.segments) == Self.allBytes(without.segments))
    }

    @Test func refusedAndDroppedMessagesLeaveTheOutputAlone() throws {
        let tags = try Fixtures.tags(Self.av)
        let reference = try remux(tags)
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        var events: [RemuxEvent] = []
        for (i, tag) in tags.enumerated() {
            if i == 50 {
                // Legacy HEVC (codec 12) and Enhanced RTMP hvc1 are refused.
                #expect(throws: HLSRemuxerError.unsupportedVideoCodec(codecID: 12)) {
                    try remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x1C, 0x01, 0, 0, 0])
                }
                #expect(throws: HLSRemuxerError.unsupportedEnhancedVideo(FourCC(rawValue: 0x6876_6331))) {
                    try remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x91, 0x68, 0x76, 0x63, 0x31, 0, 0, 0])
                }
                // A truncated access unit and a broken sequence header are malformed.
                #expect(throws: HLSRemuxerError.malformedVideo(.truncatedNALUnit(offset: 0))) {
                    try remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x27, 0x01, 0, 0, 0, 0, 0, 0, 9, 0x41])
                }
                #expect(throws: HLSRemuxerError.malformedVideo(.truncatedConfigurationRecord)) {
                    try remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x17, 0x00, 0, 0, 0, 1, 0x4D])
                }
                #expect(throws: HLSRemuxerError.malformedTag(.truncatedVideoHeader)) {
                    try remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x17, 0x01])
                }
                #expect(throws: HLSRemuxerError.malformedAudio(.frameTooLargeForADTS(8185))) {
                    try remuxer.push(tagType: 8, timestamp: tag.timestamp, payload: [0xAF, 0x01] + [UInt8](repeating: 0, count: 8185))
                }
                // Non-AAC audio, commands, script data and unknown types are dropped.
                let dropped = try remuxer.push(tagType: 8, timestamp: tag.timestamp, payload: [0x2F, 0xFF, 0xFB])
                    + remuxer.push(tagType: 8, timestamp: tag.timestamp, payload: [0x90, 0x4F, 0x70, 0x75, 0x73])
                    + remuxer.push(tagType: 8, timestamp: tag.timestamp, payload: [0xAF, 0x01])
                    + remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x27, 0x01, 0, 0, 0])
                    + remuxer.push(tagType: 9, timestamp: tag.timestamp, payload: [0x57, 0x00])
                    + remuxer.push(tagType: 18, timestamp: tag.timestamp, payload: [0x02, 0x00, 0x00])
                    + remuxer.push(tagType: 20, timestamp: tag.timestamp, payload: [])
                #expect(Self.drops(dropped) == [.unsupportedAudioCodec("SoundFormat 2"), .unsupportedAudioCodec("Opus"),
                                                .emptyFrame, .emptyFrame, .videoCommandFrame, .scriptData,
                                                .unknownMessageType(20)])
            }
            events += try remuxer.push(tag)
        }
        events += remuxer.finish()
        let segments = events.compactMap { if case .segmentFinished(let s) = $0 { return s } else { return nil } }
        #expect(Self.allBytes(segments) == Self.allBytes(reference.segments))
        #expect(try remuxer.push(tags[60]) == [.dropped(.finished)])
        #expect(remuxer.finish() == [])
    }

    @Test func unrepresentableAACIsDroppedWithItsReason() throws {
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        let events = try remuxer.push(tagType: 8, timestamp: 0, payload: [0xAF, 0x00, 0x17, 0x80, 0x56, 0x22, 0x10])
        #expect(Self.drops(events) == [.unsupportedAudioConfiguration(.notRepresentableInADTS(reason: "explicit sampling frequency"))])
        #expect(remuxer.audioInfo == nil)
        #expect(Self.drops(try remuxer.push(tagType: 8, timestamp: 0, payload: [0xAF, 0x01, 0x21])) == [.waitingForAudioConfiguration])
        #expect(Self.drops(try remuxer.push(tagType: 9, timestamp: 0, payload: [0x17, 0x01, 0, 0, 0])) == [.waitingForVideoConfiguration])
    }

    @Test func takingBytesEarlyGivesTheSameSegments() throws {
        let tags = try Fixtures.tags(Self.av)
        let reference = try remux(tags)
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        var files: [[UInt8]] = []
        var current: [UInt8] = []
        for (i, tag) in tags.enumerated() {
            for event in try remuxer.push(tag) {
                if case .segmentFinished(let s) = event {
                    current += s.bytes
                    #expect(s.size == current.count)
                    files.append(current)
                    current = []
                }
            }
            if i % 7 == 0 { current += remuxer.takePendingBytes() }
        }
        for case .segmentFinished(let s) in remuxer.finish() { files.append(current + s.bytes) }
        #expect(files == reference.segments.map(\.bytes))
    }

    /// A caller that takes pieces of 32 KiB and sets the reservation to
    /// 48 KiB gets the same segments, and its buffer never grows past one
    /// doubling of the reservation (a key frame arriving near a full piece).
    @Test func aPieceTakingCallerHoldsABoundedBuffer() throws {
        let tags = try Fixtures.tags(Self.av)
        let reference = try remux(tags)
        let piece = 32 * 1024
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        remuxer.pendingBytesReservation = piece + piece / 2
        var files: [[UInt8]] = []
        var current: [UInt8] = []
        var largest = 0
        var taken = 0
        for tag in tags {
            for event in try remuxer.push(tag) {
                if case .segmentFinished(let s) = event {
                    files.append(current + s.bytes)
                    current = []
                }
            }
            largest = max(largest, remuxer.pendingBufferCapacity)
            if remuxer.pendingByteCount >= piece {
                current += remuxer.takePendingBytes()
                taken += 1
                #expect(remuxer.pendingBufferCapacity >= piece + piece / 2)
            }
        }
        for case .segmentFinished(let s) in remuxer.finish() { files.append(current + s.bytes) }
        #expect(files == reference.segments.map(\.bytes))
        #expect(taken > 0)
        #expect(largest < 2 * (piece + piece / 2) + 4096, "largest buffer \(largest)")
    }

    @Test func segmentStructureAndClockReferences() throws {
        let (segments, _, _) = try remux(try Fixtures.tags(Self.av))
        var allPackets: [TSPacketView] = []
        for segment in segments {
            let packets = TSPacketView.parse(segment.bytes)
            allPackets += packets
            // PAT, PMT, then a key-frame PES with RAI and PCR.
            #expect(packets.count >= 3 && packets[0].pid == 0 && packets[1].pid == TSLayout.pmtPID)
            #expect(packets[2].pid == TSLayout.videoPID && packets[2].payloadStart && packets[2].randomAccess)
            let video = PESView.collect(packets, pid: TSLayout.videoPID)
            for pes in video {
                let pcr = try #require(pes.pcr)
                #expect(pcr == pes.dts - TSLayout.pcrDelay && pcr >= 0)
                #expect(pes.pts >= pes.dts && pes.lengthField == 0)
                // Exactly one AUD, first.
                #expect(Array(pes.payload.prefix(6)) == [0, 0, 0, 1, 0x09, 0xF0])
                if pes.randomAccess {
                    #expect(Array(pes.payload[6..<11]) == [0, 0, 0, 1, 0x67])  // SPS before the IDR
                }
            }
            #expect(video.filter(\.randomAccess).count == 1)  // 2-s fragments, 2-s GOP
            for pes in PESView.collect(packets, pid: TSLayout.audioPID) {
                #expect(pes.pcr == nil && pes.payload.count <= HLSRemuxer.Limits().audioPESMaxPayload)
                #expect(pes.lengthField == 3 + 5 + pes.payload.count)
                #expect(pes.payload.prefix(2) == [0xFF, 0xF1])
            }
        }
        // Continuity counters run on across segment files, per PID.
        var last: [UInt16: UInt8] = [:]
        for p in allPackets {
            if let l = last[p.pid] { #expect(p.continuityCounter == (l + 1) & 0x0F, "PID \(p.pid)") }
            last[p.pid] = p.continuityCounter
        }
        // DTS strictly increasing on each PID.
        for pid in [TSLayout.videoPID, TSLayout.audioPID] {
            let dts = PESView.collect(allPackets, pid: pid).map(\.dts)
            #expect(zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 })
            #expect(dts.first.map { $0 >= TSLayout.timestampOffset } == true)
        }
    }

    @Test func audioBundlingLimits() throws {
        var limits = HLSRemuxer.Limits()
        limits.audioPESMaxPayload = 1000
        limits.audioPESMaxSpanMs = 60
        var remuxer = HLSRemuxer(configuration: .init(fragmentDuration: 2, limits: limits))
        var segments: [FinishedSegment] = []
        for tag in try Fixtures.tags(Self.av) {
            for case .segmentFinished(let s) in try remuxer.push(tag) { segments.append(s) }
        }
        for case .segmentFinished(let s) in remuxer.finish() { segments.append(s) }
        let pes = PESView.collect(TSPacketView.parse(Self.allBytes(segments)), pid: TSLayout.audioPID)
        var frames = 0
        for p in pes {
            #expect(p.payload.count <= 1000)
            // Count ADTS frames; spans stay within 60 ms plus one frame.
            var i = 0
            var n = 0
            while i + 7 <= p.payload.count {
                let length = (Int(p.payload[i + 3]) & 3) << 11 | Int(p.payload[i + 4]) << 3 | Int(p.payload[i + 5]) >> 5
                i += length
                n += 1
            }
            #expect(i == p.payload.count)
            let frameSeconds: Double = 1024.0 / 44100.0
            let span: Double = Double(n - 1) * frameSeconds
            #expect(span < 0.060 + frameSeconds)
            frames += n
        }
        #expect(frames == (try Fixtures.tags(Self.av)).filter { $0.type == 8 && $0.payload.count > 2 && $0.payload.dropFirst().first == 1 }.count)
        // Far smaller bundles than with the defaults.
        let defaults = try remux(try Fixtures.tags(Self.av))
        let defaultCount = PESView.collect(TSPacketView.parse(Self.allBytes(defaults.segments)), pid: TSLayout.audioPID).count
        #expect(pes.count > 2 * defaultCount)
    }

    @Test func audioSnapsToTheSampleGrid() throws {
        // 48 kHz: one frame is exactly 1920 ticks; FLV says 0, 21, 42, 64, 85 … ms.
        let tags = try Fixtures.tags("audio-only-48k-mono.flv")
        func ptsOffGrid(_ tolerance: Int64) throws -> Int {
            var limits = HLSRemuxer.Limits()
            limits.audioSyncToleranceMs = tolerance
            limits.audioPESMaxSpanMs = 0  // one frame per PES, so every frame's PTS is written
            var remuxer = HLSRemuxer(configuration: .init(fragmentDuration: 10, expectsVideo: false, limits: limits))
            var bytes: [UInt8] = []
            for tag in tags { for case .segmentFinished(let s) in try remuxer.push(tag) { bytes += s.bytes } }
            for case .segmentFinished(let s) in remuxer.finish() { bytes += s.bytes }
            let pes = PESView.collect(TSPacketView.parse(bytes), pid: TSLayout.audioPID)
            let frames = tags.filter { $0.type == 8 }.count - 1  // all but the sequence header
            #expect(pes.count == frames)
            return pes.filter { ($0.pts - TSLayout.timestampOffset) % 1920 != 0 }.count
        }
        #expect(try ptsOffGrid(HLSRemuxer.Limits().audioSyncToleranceMs) == 0)
        // Timestamps rounded up (late by under a millisecond) snap back only within the tolerance.
        func lateFrames(tolerance: Int64) throws -> [Int64] {
            var limits = HLSRemuxer.Limits()
            limits.audioSyncToleranceMs = tolerance
            limits.audioPESMaxSpanMs = 0
            var remuxer = HLSRemuxer(configuration: .init(fragmentDuration: 10, expectsVideo: false, limits: limits))
            let audioTags = tags.filter { $0.type == 8 }
            _ = try remuxer.push(audioTags[0])
            for (i, ts) in [0, 22, 43, 64, 86].enumerated() {
                _ = try remuxer.push(tagType: 8, timestamp: UInt32(ts), payload: audioTags[i + 1].payload)
            }
            var bytes: [UInt8] = []
            for case .segmentFinished(let s) in remuxer.finish() { bytes += s.bytes }
            return PESView.collect(TSPacketView.parse(bytes), pid: TSLayout.audioPID).map { $0.pts - TSLayout.timestampOffset }
        }
        #expect(try lateFrames(tolerance: HLSRemuxer.Limits().audioSyncToleranceMs) == [0, 1920, 3840, 5760, 7680])
        #expect(try lateFrames(tolerance: 0) != [0, 1920, 3840, 5760, 7680])
        // A frame further off than the tolerance starts a new grid there.
        var limits = HLSRemuxer.Limits()
        limits.audioPESMaxSpanMs = 0
        var remuxer = HLSRemuxer(configuration: .init(fragmentDuration: 10, expectsVideo: false, limits: limits))
        let audioTags = tags.filter { $0.type == 8 }
        _ = try remuxer.push(audioTags[0])
        var bytes: [UInt8] = []
        for (i, ts) in [0, 21, 42, 70, 91].enumerated() {
            _ = try remuxer.push(tagType: 8, timestamp: UInt32(ts), payload: audioTags[i + 1].payload)
        }
        for case .segmentFinished(let s) in remuxer.finish() { bytes += s.bytes }
        let pts = PESView.collect(TSPacketView.parse(bytes), pid: TSLayout.audioPID).map { $0.pts - TSLayout.timestampOffset }
        let expected: [Int64] = [0, 1920, 3840, 6300, 8220]  // 70 ms = 6300 ticks, then on its grid
        #expect(pts == expected)
    }

    @Test func audioOnlyIsDecidedAfterOneSecondOfAudio() throws {
        let tags = try Fixtures.tags("audio-only-48k-mono.flv").filter { $0.type == 8 }
        var remuxer = HLSRemuxer(fragmentDuration: 2)
        var openedAt: UInt32?
        for tag in tags {
            let events = try remuxer.push(tag)
            if let start = Self.opened(events).first, openedAt == nil {
                openedAt = tag.timestamp
                #expect(start.firstTimestamp == 0 && start.sequence == 0 && start.startsWithKeyframe)
            }
        }
        let limit = HLSRemuxer.Limits().audioOnlyDecisionMs
        let at = try #require(openedAt)
        #expect(Int64(at) >= limit && Int64(at) < limit + 30)
        // Told there is no video, the first frame opens the segment.
        var told = HLSRemuxer(fragmentDuration: 2, expectsVideo: false)
        _ = try told.push(tags[0])
        #expect(Self.opened(try told.push(tags[1])).first?.firstTimestamp == 0)
        // The same from the publisher's metadata, noted before the media.
        var fromMetadata = HLSRemuxer(fragmentDuration: 2)
        #expect(fromMetadata.noteMetadata(hasVideo: false).isEmpty)
        _ = try fromMetadata.push(tags[0])
        #expect(Self.opened(try fromMetadata.push(tags[1])).first?.firstTimestamp == 0)
        // Metadata after the decision changes nothing.
        #expect(fromMetadata.noteMetadata(hasVideo: true).isEmpty)
        // Metadata announcing video: audio waits, as when told so.
        var announced = HLSRemuxer(fragmentDuration: 2)
        _ = announced.noteMetadata(hasVideo: true)
        var announcedOpen: UInt32?
        for tag in tags where announcedOpen == nil {
            if !Self.opened(try announced.push(tag)).isEmpty { announcedOpen = tag.timestamp }
        }
        #expect(try #require(announcedOpen) > 2 * 2000)
        // Told to wait for video, audio opens a segment only once it has run
        // longer than the video absence bound (2 × FragDuration), then with
        // everything held since its first frame.
        var waiting = HLSRemuxer(fragmentDuration: 2, expectsVideo: true)
        var waitedUntil: UInt32?
        for tag in tags where waitedUntil == nil {
            if let start = Self.opened(try waiting.push(tag)).first {
                waitedUntil = tag.timestamp
                #expect(start.firstTimestamp == 0 && !start.discontinuity)
            }
        }
        #expect(waitedUntil.map { $0 > 4000 && $0 < 4030 } == true)
        // A stream shorter than the decision time still gets its segment
        // (sequence header + 9 frames of 1024 samples).
        let short = try remux(Array(tags.prefix(10)))
        #expect(short.segments.count == 1)
        let expectedShort: Double = 9 * 1024.0 / 48000
        #expect(short.segments.first.map { abs($0.duration - expectedShort) < 0.002 } == true, "\(short.segments.map(\.duration)) \(short.segments.map(\.size))")
    }

    @Test func videoIsDroppedOnceAStreamIsAudioOnly() throws {
        let result = try remux(try Fixtures.tags(Self.av), expectsVideo: false)
        #expect(Self.drops(result.events).filter { $0 == .videoInAudioOnlyStream }.count == 180)
        #expect(result.segments.count == 3)
        let packets = TSPacketView.parse(Self.allBytes(result.segments))
        #expect(!packets.contains { $0.pid == TSLayout.videoPID })
        #expect(packets[1].payload.starts(with: [0] + PSISections.pmt(TSProgram(hasVideo: false, hasAudio: true))))
        // Audio carries the PCR and random access flags when alone.
        for pes in PESView.collect(packets, pid: TSLayout.audioPID) {
            #expect(pes.pcr == pes.dts - TSLayout.pcrDelay && pes.randomAccess)
        }
    }

    @Test func hugeFragmentDurationsDoNotOverflow() {
        var c = SegmentCutter(fragmentDuration: .max, hasVideo: true)
        #expect(c.forcedCutAfter == .max)
        #expect(c.decide(dts: .min, isVideo: true, isKeyframe: true) == .cut(forced: false))
        _ = c.decide(dts: .max, isVideo: true, isKeyframe: false)  // wraps, must not trap
        var remuxer = HLSRemuxer(fragmentDuration: .infinity)
        #expect(remuxer.fragmentTicks == TSLayout.clockRate)
        remuxer = HLSRemuxer(fragmentDuration: 1e300)
        #expect(remuxer.fragmentTicks == 86_400 * TSLayout.clockRate)
    }

    @Test func lateAudioConfigurationJoinsAtTheNextSegment() throws {
        var tags = try Fixtures.tags(Self.av)
        let headerIndex = try #require(tags.firstIndex { $0.type == 8 && $0.payload.dropFirst().first == 0 })
        let header = tags.remove(at: headerIndex)
        // Re-insert the AAC header at about 1 s into the stream.
        let at = try #require(tags.firstIndex { $0.timestamp >= 1000 })
        tags.insert(FLVTag(type: 8, timestamp: tags[at].timestamp, payload: header.payload), at: at)
        let result = try remux(tags)
        #expect(Self.drops(result.events).contains(.waitingForAudioConfiguration))
        #expect(Self.drops(result.events).contains(.audioNotInProgram))
        let first = TSPacketView.parse(result.segments[0].bytes)
        #expect(!first.contains { $0.pid == TSLayout.audioPID })
        #expect(first[1].payload.starts(with: [0] + PSISections.pmt(TSProgram(hasVideo: true, hasAudio: false))))
        let second = TSPacketView.parse(result.segments[1].bytes)
        #expect(second.contains { $0.pid == TSLayout.audioPID })
        #expect(second[1].payload.starts(with: [0] + PSISections.pmt(TSProgram(hasVideo: true, hasAudio: true))))
    }

    /// The fixture with `delta` ms added to every timestamp from the first
    /// tag of `firstType` at or after 3.1 s.
    static func jumped(_ tags: [FLVTag], delta: Int64, firstType: UInt8) throws -> [FLVTag] {
        let from = try #require(tags.firstIndex { $0.type == firstType && $0.timestamp >= 3100 })
        return tags.enumerated().map { i, t in
            guard i >= from, t.type == 8 || t.type == 9 else { return t }
            return FLVTag(type: t.type, timestamp: UInt32(truncatingIfNeeded: Int64(t.timestamp) + delta), payload: t.payload)
        }
    }

    @Test(arguments: [(Int64(60_000), UInt8(9)), (60_000, 8), (-2_000, 9), (-2_000, 8)])
    func timestampJumpRebasesAndMarksADiscontinuity(_ delta: Int64, _ firstType: UInt8) throws {
        let tags = try Fixtures.tags(Self.av)
        let result = try remux(try Self.jumped(tags, delta: delta, firstType: firstType))
        let starts = Self.opened(result.events)
        #expect(starts.map(\.discontinuity) == [false, false, true])
        // Output time stays continuous on both tracks.
        let packets = TSPacketView.parse(Self.allBytes(result.segments))
        let video = PESView.collect(packets, pid: TSLayout.videoPID).map(\.dts)
        #expect(zip(video, video.dropFirst()).allSatisfy { $1 - $0 > 0 && $1 - $0 <= 6000 })
        let audio = PESView.collect(packets, pid: TSLayout.audioPID).map(\.dts)
        #expect(zip(audio, audio.dropFirst()).allSatisfy { $1 - $0 > 0 && $1 - $0 <= 400 * 90 })
        #expect(result.segments.allSatisfy { $0.duration < 3 })

        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        let playlist = try RemuxerFixtureTests.write(result.segments, to: dir)
        let copy = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist, "-c", "copy", "-f", "mpegts", "-y", "/dev/null"])
        #expect(copy.err == "", "\(copy.err)")
    }

    @Test func smallStepsAndAudioGapsAreNotJumps() throws {
        let tags = try Fixtures.tags(Self.av)
        // 5 s forward is within maxForwardJumpMs, 0.5 s back within maxBackwardJumpMs.
        for delta: Int64 in [5_000, -500] {
            #expect(!Self.opened(try remux(try Self.jumped(tags, delta: delta, firstType: 9)).events).contains { $0.discontinuity })
        }
        // Audio missing for 2.5 s with honest timestamps stays where it belongs.
        let gap = tags.filter { !($0.type == 8 && $0.timestamp > 1000 && $0.timestamp < 3500) }
        let result = try remux(gap)
        #expect(!Self.opened(result.events).contains { $0.discontinuity })
        let audio = PESView.collect(TSPacketView.parse(Self.allBytes(result.segments)), pid: TSLayout.audioPID)
        let video = PESView.collect(TSPacketView.parse(Self.allBytes(result.segments)), pid: TSLayout.videoPID)
        let resumed = try #require(audio.first { $0.dts - TSLayout.timestampOffset > 3400 * 90 })
        let firstVideo = try #require(video.first)
        // Same offset as the video: publisher 3.5 s is output 3.5 s after the first video DTS.
        #expect(abs(resumed.dts - firstVideo.dts - 3500 * 90) < 50 * 90)
    }

    @Test func newSequenceHeaderCutsAtTheNextKeyframeWithADiscontinuity() throws {
        var tags = try Fixtures.tags(Self.av)
        let header = try #require(tags.first { $0.type == 9 && $0.payload.dropFirst().first == 0 })
        let at = try #require(tags.firstIndex { $0.type == 9 && $0.timestamp >= 2500 })
        // Same header again: nothing happens. A changed one (level 3.1) cuts.
        tags.insert(FLVTag(type: 9, timestamp: tags[at].timestamp, payload: header.payload), at: at)
        #expect(!Self.opened(try remux(tags).events).contains { $0.discontinuity })
        var changed = Array(header.payload)
        changed[8] = 0x1F
        tags.insert(FLVTag(type: 9, timestamp: tags[at].timestamp, payload: changed[...]), at: at + 1)
        let result = try remux(tags)
        let starts = Self.opened(result.events)
        #expect(starts.contains { $0.discontinuity })
        #expect(result.remuxer.videoInfo?.levelIDC == 30)  // the SPS itself is unchanged
        #expect(result.remuxer.videoInfo?.configuration.levelIndication == 0x1F)
    }

    @Test func consecutivePushesKeepCountersAndPlayAsOne() throws {
        let tags = try Fixtures.tags(Self.av)
        let first = try remux(tags)
        var second = HLSRemuxer(fragmentDuration: 2, continuity: first.remuxer.continuity)
        var events: [RemuxEvent] = []
        for tag in tags { events += try second.push(tag) }
        events += second.finish()
        let secondSegments = events.compactMap { if case .segmentFinished(let s) = $0 { return s } else { return nil } }
        let lastPAT = TSPacketView.parse(Self.allBytes(first.segments)).last { $0.pid == 0 }
        let nextPAT = TSPacketView.parse(secondSegments[0].bytes).first { $0.pid == 0 }
        #expect(nextPAT?.continuityCounter == ((lastPAT?.continuityCounter ?? 0) + 1) & 0x0F)

        let dir = try makeTemporaryDirectory()
        defer { removeUnlessKept(dir) }
        var live = HLSLivePlaylist(windowSize: 10, minimumTargetDuration: 2)
        for (push, segments) in [first.segments, secondSegments].enumerated() {
            for s in segments {
                let name = "\(push)-\(s.sequence).ts"
                try Data(s.bytes).write(to: dir.appendingPathComponent(name))
                live.append(HLSPlaylistEntry(uri: name, duration: s.duration, discontinuityBefore: push == 1 && s.sequence == 0))
            }
        }
        live.end()
        let playlist = dir.appendingPathComponent("live.m3u8")
        try live.render().write(to: playlist, atomically: true, encoding: .utf8)
        // The second push's clock starts after everything the first wrote.
        let firstPES = TSPacketView.parse(Self.allBytes(first.segments))
        let secondPES = TSPacketView.parse(secondSegments[0].bytes)
        for pid in [TSLayout.videoPID, TSLayout.audioPID] {
            let lastEnd = try #require(PESView.collect(firstPES, pid: pid).map(\.pts).max())
            let nextStart = try #require(PESView.collect(secondPES, pid: pid).map(\.dts).min())
            #expect(nextStart > lastEnd)
        }
        let decode = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist.path, "-f", "null", "-"])
        #expect(decode.status == 0 && decode.err == "", "\(decode.err)")
        let copy = try run("ffmpeg", ["-hide_banner", "-v", "warning", "-i", playlist.path, "-c", "copy",
                                      "-f", "mpegts", "-y", "/dev/null"])
        #expect(copy.err == "", "\(copy.err)")
    }
}
