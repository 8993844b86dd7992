import Testing
@testable import Emulator

@Suite struct FaultRuleTests {
    @Test func globsMatchAsDocumented() {
        #expect(FaultRule.glob("logs/*", matches: "logs/a/b.txt"))
        #expect(FaultRule.glob("*", matches: ""))
        #expect(FaultRule.glob("c?m", matches: "cam"))
        #expect(!FaultRule.glob("c?m", matches: "cm"))
        #expect(!FaultRule.glob("logs/*", matches: "log/x"))
        #expect(FaultRule.glob("*.ts", matches: "cam/1.ts"))
    }

    @Test func timesUseUpTheRuleAndSeedsReplay() throws {
        let faults = FaultInjector()
        try faults.add(FaultRule(operation: "PutObject", bucket: "b", error: .init(status: 503, code: "ServiceUnavailable"), times: 2))
        #expect(faults.hit(operation: "GetObject", bucket: "b", key: "k", method: "GET") == nil)
        #expect(faults.hit(operation: "PutObject", bucket: "other", key: "k", method: "PUT") == nil)
        #expect(faults.hit(operation: "PutObject", bucket: "b", key: "k", method: "PUT")?.times == 2)
        #expect(faults.rules.first?.times == 1)
        #expect(faults.hit(operation: "PutObject", bucket: "b", key: "k", method: "PUT") != nil)
        #expect(faults.rules.isEmpty)

        func rolls(_ seed: UInt64) throws -> [Bool] {
            let injector = FaultInjector()
            try injector.add(FaultRule(delayMilliseconds: 1, probability: 0.3, seed: seed))
            return (0..<64).map { _ in injector.hit(operation: "GetObject", bucket: "b", key: "k", method: "GET") != nil }
        }
        let first = try rolls(9)
        #expect(try rolls(9) == first)
        #expect(first.contains(true) && first.contains(false))
    }

    @Test func rulesFromJSONAreCheckedFieldByField() throws {
        let rules = try FaultRule.rules(fromJSON: Array(#"[{"operation": "UploadPart", "error": {"status": 503, "code": "ServiceUnavailable"}, "times": 2}, {"operation": "rtmp:publish", "channel": "cam", "dropAfterSeconds": 3}]"#.utf8))
        #expect(rules.count == 2 && rules[0].times == 2 && rules[1].key == "cam" && rules[1].dropAfterSeconds == 3)
        for bad in [#"{"operation": "GetObject"}"#, #"{"delayMs": 1, "times": 0}"#, #"{"delayMs": 1, "probability": 2}"#,
                    #"{"error": {"status": 503}}"#, #"{"reset": true, "extra": 1}"#, #"[1]"#, "not json"] {
            #expect(throws: FaultRuleError.self, "\(bad)") { try FaultRule.rules(fromJSON: Array(bad.utf8)) }
        }
    }
}
