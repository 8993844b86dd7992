import Testing
@testable import OSSProtocol

@Suite struct LiveChannelConfigurationTests {
    func parse(_ xml: String) throws -> LiveChannelConfiguration {
        try LiveChannelConfiguration.parse(Array(xml.utf8))
    }

    func wrap(_ inner: String, target: String = "<Type>HLS</Type>") -> String {
        "<LiveChannelConfiguration>\(inner)<Target>\(target)</Target></LiveChannelConfiguration>"
    }

    @Test func bodiesTheSDKsSend() throws {
        // Go: omitempty, observed on the wire.
        let go = try parse("<LiveChannelConfiguration><Target><Type>HLS</Type><PlaylistName>p.m3u8</PlaylistName></Target></LiveChannelConfiguration>")
        #expect(go == LiveChannelConfiguration(playlistName: "p.m3u8"))
        // oss2 with an empty description and the default empty playlist name.
        let python = try parse("<LiveChannelConfiguration><Description /><Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration><FragCount>3</FragCount><PlaylistName /></Target></LiveChannelConfiguration>")
        #expect(python == LiveChannelConfiguration())
        // wire-captures: oss2 2.19.1 body.
        let capture = try parse("<LiveChannelConfiguration><Description>desc</Description><Status>enabled</Status><Target><Type>HLS</Type><FragDuration>2</FragDuration><FragCount>3</FragCount><PlaylistName>playlist.m3u8</PlaylistName></Target></LiveChannelConfiguration>")
        #expect(capture == LiveChannelConfiguration(description: "desc", fragDuration: 2, fragCount: 3))
        // Java: no escaping, a null description is the text "null", with declaration-less string.
        let java = try parse("<LiveChannelConfiguration><Description>null</Description><Status>disabled</Status><Target><Type>HLS</Type><FragDuration>10</FragDuration><FragCount>100</FragCount><PlaylistName>playlist.m3u8</PlaylistName></Target></LiveChannelConfiguration>")
        #expect(java == LiveChannelConfiguration(description: "null", status: .disabled, fragDuration: 10, fragCount: 100))
    }

    @Test func snapshotIsStoredAndEchoed() throws {
        let config = try parse("<LiveChannelConfiguration><Target><Type>HLS</Type></Target><Snapshot><RoleName>role</RoleName>"
            + "<DestBucket>snap-bucket</DestBucket><NotifyTopic>topic</NotifyTopic><Interval>10</Interval></Snapshot></LiveChannelConfiguration>")
        #expect(config.snapshot == SnapshotConfiguration(roleName: "role", destBucket: "snap-bucket", notifyTopic: "topic", interval: 10))
        let echoed = try LiveChannelConfiguration.parse(config.infoXML())
        #expect(echoed == config)
    }

    @Test func infoXMLMatchesSpecExample() {
        #expect(text(LiveChannelConfiguration().infoXML()) == declaration + "<LiveChannelConfiguration><Description></Description>"
            + "<Status>enabled</Status><Target><Type>HLS</Type><FragDuration>5</FragDuration><FragCount>3</FragCount>"
            + "<PlaylistName>playlist.m3u8</PlaylistName></Target></LiveChannelConfiguration>")
    }

    /// Every rule of spec §3.1 / §4: (name, body, expected code, EC).
    static let invalid: [(String, String, String, String?)] = {
        let snap = { (role: String, bucket: String, topic: String, interval: String) in
            "<LiveChannelConfiguration><Target><Type>HLS</Type></Target><Snapshot><RoleName>\(role)</RoleName><DestBucket>\(bucket)</DestBucket><NotifyTopic>\(topic)</NotifyTopic><Interval>\(interval)</Interval></Snapshot></LiveChannelConfiguration>"
        }
        let target = { (inner: String) in "<LiveChannelConfiguration><Target>\(inner)</Target></LiveChannelConfiguration>" }
        return [
            ("description 129 bytes", "<LiveChannelConfiguration><Description>\(String(repeating: "d", count: 129))</Description><Target><Type>HLS</Type></Target></LiveChannelConfiguration>", "InvalidArgument", "0044-00000001"),
            ("description 43 CJK chars = 129 bytes", "<LiveChannelConfiguration><Description>\(String(repeating: "中", count: 43))</Description><Target><Type>HLS</Type></Target></LiveChannelConfiguration>", "InvalidArgument", "0044-00000001"),
            ("status Enabled", "<LiveChannelConfiguration><Status>Enabled</Status><Target><Type>HLS</Type></Target></LiveChannelConfiguration>", "InvalidArgument", "0044-00000002"),
            ("status on", "<LiveChannelConfiguration><Status>on</Status><Target><Type>HLS</Type></Target></LiveChannelConfiguration>", "InvalidArgument", "0044-00000002"),
            ("no Target", "<LiveChannelConfiguration><Description>x</Description></LiveChannelConfiguration>", "InvalidArgument", nil),
            ("no Type", target("<FragDuration>5</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000013"),
            ("empty Type", target("<Type />"), "InvalidArgument", "0044-00000013"),
            ("Type DASH", target("<Type>DASH</Type>"), "InvalidArgument", "0044-00000013"),
            ("Type hls", target("<Type>hls</Type>"), "InvalidArgument", "0044-00000013"),
            ("FragDuration 0", target("<Type>HLS</Type><FragDuration>0</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("FragDuration 101", target("<Type>HLS</Type><FragDuration>101</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("FragDuration 2.5", target("<Type>HLS</Type><FragDuration>2.5</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("FragDuration -1", target("<Type>HLS</Type><FragDuration>-1</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("FragDuration huge", target("<Type>HLS</Type><FragDuration>99999999999999999999999</FragDuration><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("FragCount 0", target("<Type>HLS</Type><FragDuration>5</FragDuration><FragCount>0</FragCount>"), "InvalidArgument", "0044-00000015"),
            ("FragCount 101", target("<Type>HLS</Type><FragDuration>5</FragDuration><FragCount>101</FragCount>"), "InvalidArgument", "0044-00000015"),
            ("FragCount x", target("<Type>HLS</Type><FragDuration>5</FragDuration><FragCount>x</FragCount>"), "InvalidArgument", "0044-00000015"),
            ("only FragDuration", target("<Type>HLS</Type><FragDuration>5</FragDuration>"), "InvalidArgument", "0044-00000015"),
            ("only FragCount", target("<Type>HLS</Type><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("only FragCount, empty FragDuration", target("<Type>HLS</Type><FragDuration/><FragCount>3</FragCount>"), "InvalidArgument", "0044-00000014"),
            ("PlaylistName too short", target("<Type>HLS</Type><PlaylistName>.m3u8</PlaylistName>"), "InvalidArgument", "0044-00000017"),
            ("PlaylistName 129", target("<Type>HLS</Type><PlaylistName>\(String(repeating: "p", count: 124)).m3u8</PlaylistName>"), "InvalidArgument", "0044-00000017"),
            ("PlaylistName suffix", target("<Type>HLS</Type><PlaylistName>playlist.ts</PlaylistName>"), "InvalidArgument", "0044-00000018"),
            ("PlaylistName slash", target("<Type>HLS</Type><PlaylistName>a/b.m3u8</PlaylistName>"), "InvalidArgument", "0044-00000018"),
            ("two Snapshots", "<LiveChannelConfiguration><Target><Type>HLS</Type></Target><Snapshot><RoleName>r</RoleName><DestBucket>bkt</DestBucket><NotifyTopic>t</NotifyTopic><Interval>1</Interval></Snapshot><Snapshot><RoleName>r</RoleName><DestBucket>bkt</DestBucket><NotifyTopic>t</NotifyTopic><Interval>1</Interval></Snapshot></LiveChannelConfiguration>", "InvalidArgument", "0044-00000003"),
            ("Snapshot empty RoleName", snap("", "bkt", "t", "5"), "InvalidArgument", "0044-00000007"),
            ("Snapshot bad DestBucket", snap("r", "Bad_Bucket", "t", "5"), "InvalidArgument", "0044-00000008"),
            ("Snapshot empty DestBucket", snap("r", "", "t", "5"), "InvalidArgument", "0044-00000008"),
            ("Snapshot empty NotifyTopic", snap("r", "bkt", "", "5"), "InvalidArgument", "0044-00000006"),
            ("Snapshot Interval 0", snap("r", "bkt", "t", "0"), "InvalidArgument", nil),
            ("Snapshot Interval 101", snap("r", "bkt", "t", "101"), "InvalidArgument", nil),
            ("Snapshot Interval missing", snap("r", "bkt", "t", ""), "InvalidArgument", nil),
            ("wrong root", "<LiveChannel><Target><Type>HLS</Type></Target></LiveChannel>", "MalformedXML", nil),
            ("not XML", "LiveChannelConfiguration", "MalformedXML", nil),
            ("unescaped ampersand (Java)", "<LiveChannelConfiguration><Description>a & b</Description><Target><Type>HLS</Type></Target></LiveChannelConfiguration>", "MalformedXML", nil),
            ("empty body", "", "MalformedXML", nil),
        ]
    }()

    @Test(arguments: invalid.indices)
    func rejects(_ index: Int) {
        let (name, body, code, ec) = LiveChannelConfigurationTests.invalid[index]
        let error = expectOSSError { () throws(OSSError) in try LiveChannelConfiguration.parse(Array(body.utf8)) }
        #expect(error?.code == code, "\(name)")
        #expect(error?.status == 400, "\(name)")
        #expect(error?.ec == ec, "\(name)")
    }

    @Test func boundariesAccepted() throws {
        let edge = try parse("<LiveChannelConfiguration><Description>\(String(repeating: "d", count: 128))</Description><Target><Type>HLS</Type><FragDuration>1</FragDuration><FragCount>100</FragCount><PlaylistName>a.m3u8</PlaylistName></Target><Snapshot><RoleName>r</RoleName><DestBucket>bkt</DestBucket><NotifyTopic>t</NotifyTopic><Interval>100</Interval></Snapshot></LiveChannelConfiguration>")
        #expect(edge.description.utf8.count == LiveChannelConfiguration.maxDescriptionBytes)
        #expect(edge.fragDuration == LiveChannelConfiguration.fragDurationRange.lowerBound)
        #expect(edge.fragCount == LiveChannelConfiguration.fragCountRange.upperBound)
        #expect(edge.snapshot?.interval == LiveChannelConfiguration.snapshotIntervalRange.upperBound)
        let long = try parse(wrap("", target: "<Type>HLS</Type><FragDuration>100</FragDuration><FragCount>1</FragCount><PlaylistName>\(String(repeating: "p", count: 123)).m3u8</PlaylistName>"))
        #expect(long.playlistName.utf8.count == NameRules.playlistNameLength.upperBound)
        #expect(long.fragDuration == 100 && long.fragCount == 1)
        let whitespace = try parse("<LiveChannelConfiguration>\n  <Status>\n disabled \n</Status>\n  <Target>\n    <Type>HLS</Type>\n  </Target>\n</LiveChannelConfiguration>")
        #expect(whitespace.status == .disabled)
    }

    @Test func statusQueryValue() throws {
        #expect(try LiveChannelStatus.parse(queryValue: "enabled") == .enabled)
        #expect(try LiveChannelStatus.parse(queryValue: "disabled") == .disabled)
        for bad: String? in [nil, "", "Disabled", "off"] {
            let error = expectOSSError { () throws(OSSError) in try LiveChannelStatus.parse(queryValue: bad) }
            #expect(error?.status == 400 && error?.code == "InvalidArgument")
        }
    }
}
