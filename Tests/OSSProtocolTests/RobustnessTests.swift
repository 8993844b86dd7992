import Testing
@testable import OSSProtocol

/// Deterministic pseudo-random input (SplitMix64), so a failure replays.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Peer bytes never trap: every parser either returns a value or a typed error.
@Suite struct RobustnessTests {
    static let alphabet = Array("<>/&;!?=%:.,- \n\tabcdefgxyzABCDEFXYZ0123456789#[]\"'".utf8) + [0x00, 0xC3, 0xA9, 0xFF]

    func randomBytes(_ rng: inout SplitMix64, maxLength: Int) -> [UInt8] {
        let length = Int.random(in: 0...maxLength, using: &rng)
        return (0..<length).map { _ in RobustnessTests.alphabet.randomElement(using: &rng) ?? 0 }
    }

    /// Mutates a valid document by flipping, dropping and inserting bytes.
    func mutate(_ seed: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: bytes[at] = RobustnessTests.alphabet.randomElement(using: &rng) ?? 0
            case 1: bytes.remove(at: at)
            default: bytes.insert(RobustnessTests.alphabet.randomElement(using: &rng) ?? 0, at: at)
            }
        }
        return bytes
    }

    @Test func xmlBodiesNeverTrap() {
        var rng = SplitMix64(state: 1)
        let seeds = [
            LiveChannelConfiguration(description: "d", snapshot: SnapshotConfiguration(roleName: "r", destBucket: "bkt", notifyTopic: "t", interval: 5)).infoXML(),
            Array("<Delete><Quiet>true</Quiet><Object><Key>a</Key></Object></Delete>".utf8),
            Array("<CreateBucketConfiguration><StorageClass>IA</StorageClass></CreateBucketConfiguration>".utf8),
            Array("<?xml version=\"1.0\"?><a:Delete xmlns:a=\"urn:x\" b='c'><!-- c --><?pi x?><![CDATA[x]]>&amp;&#65;&#x42;<Key>é中</Key></a:Delete>".utf8),
        ]
        var parsed = 0
        for round in 0..<4000 {
            let input = round % 5 == 0 ? randomBytes(&rng, maxLength: 80) : mutate(seeds[round % seeds.count], &rng)
            if (try? XMLDocument.parse(input)) != nil { parsed += 1 }
            _ = try? LiveChannelConfiguration.parse(input)
            _ = try? DeleteObjectsRequest.parse(input)
            _ = try? CreateBucketConfiguration.parse(input)
        }
        // Some mutations leave the document well-formed, so the tree-building path is exercised too.
        #expect(parsed > 50)
        #expect((try? LiveChannelConfiguration.parse(seeds[0])) != nil)
    }

    @Test func requestTargetsAndHeadersNeverTrap() {
        var rng = SplitMix64(state: 2)
        let resolver = HostResolver(baseHosts: ["localhost", "127.0.0.1"])
        let auth = Authenticator(credentials: [Credential(accessKeyId: "ak", accessKeySecret: "sk")])
        let seeds = ["/bkt/ch1%2Fp.m3u8?Expires=1&OSSAccessKeyId=ak&Signature=x", "http://b.h:1/k?live&comp=stat",
                     "/?x-oss-signature-version=OSS4-HMAC-SHA256&x-oss-credential=ak%2F20240305%2Fr%2Foss%2Faliyun_v4_request&x-oss-date=20240305T080000Z&x-oss-expires=60&x-oss-signature=00"]
        let hosts = ["127.0.0.1:9000", "[::1]:1", "b.localhost", "", ":", "[", "a..b", ".localhost"]
        let authorizations = ["OSS ak:sig", "OSS4-HMAC-SHA256 Credential=ak/20240305/r/oss/aliyun_v4_request,Signature=00", "OSS :", "OSS4-HMAC-SHA256 ,,=,"]
        for round in 0..<1500 {
            let target = String(decoding: mutate(Array(seeds[round % seeds.count].utf8), &rng), as: UTF8.self)
            let host = String(decoding: mutate(Array(hosts[round % hosts.count].utf8) + [0x61], &rng), as: UTF8.self)
            guard let resolved = try? resolver.resolve(hostHeader: host, requestTarget: target) else { continue }
            let authorization = String(decoding: mutate(Array(authorizations[round % authorizations.count].utf8), &rng), as: UTF8.self)
            let date = String(decoding: mutate(Array("Tue, 05 Mar 2024 08:00:00 GMT".utf8), &rng), as: UTF8.self)
            var headers: [(name: String, value: String)] = [("Date", date)]
            if round % 2 == 0 { headers.append(("Authorization", authorization)) }
            let request = SignableRequest(method: "GET", bucket: resolved.bucket, key: resolved.key, query: resolved.query, headers: headers)
            _ = try? auth.authenticate(request, now: Int64.random(in: Int64.min...Int64.max, using: &rng))
            _ = try? RTMPURLSignature.verify(parameters: resolved.query, bucket: "b", channel: "c",
                                             credentials: [Credential(accessKeyId: "ak", accessKeySecret: "sk")],
                                             now: Int64.random(in: Int64.min...Int64.max, using: &rng))
        }
    }

    @Test func timeParsersNeverTrap() {
        var rng = SplitMix64(state: 3)
        let seeds = ["Tue, 05 Mar 2024 08:00:00 GMT", "Tuesday, 05-Mar-24 08:00:00 GMT", "Tue Mar  5 08:00:00 2024",
                     "20240305T080000Z", "2024-03-05T08:00:00.000Z"]
        for round in 0..<3000 {
            let text = String(decoding: mutate(Array(seeds[round % seeds.count].utf8), &rng), as: UTF8.self)
            for value in [OSSTime.parseHTTPDate(text), OSSTime.parseISO8601(text), OSSTime.parseISO8601Basic(text)] {
                if let value { #expect(value >= OSSTime.minEpoch && value <= OSSTime.maxEpoch) }
            }
            _ = OSSTime.httpDate(Int64.random(in: Int64.min...Int64.max, using: &rng))
        }
    }

    @Test func queryAndVodParametersNeverTrap() {
        var rng = SplitMix64(state: 4)
        for _ in 0..<2000 {
            let raw = randomBytes(&rng, maxLength: 40)
            guard let items = QueryItem.parse(String(decoding: raw, as: UTF8.self)[...]) else { continue }
            _ = try? VodRequest.parseTimes(query: items)
            _ = try? ListLiveChannelRequest(query: items)
            _ = try? ListObjectsRequest(query: items)
        }
        let huge = [QueryItem(name: "startTime", value: "9223372036854775807"), QueryItem(name: "endTime", value: "-9223372036854775808")]
        #expect(expectOSSError { () throws(OSSError) in try VodRequest.parseTimes(query: huge) }?.code == "InvalidArgument")
    }
}
