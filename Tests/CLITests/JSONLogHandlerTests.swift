import Foundation
import Locking
import Logging
import Testing
@testable import oss_live_emulator

@Suite struct JSONLogHandlerTests {
    @Test func oneParsableObjectPerLineWithMetadata() throws {
        let lines = Locked<[String]>([])
        var handler = JSONLogHandler(label: "test") { line in lines.withLock { $0.append(line) } }
        handler.metadata = ["level": "clash", "count": .stringConvertible(42)]
        var logger = Logger(label: "test") { _ in handler }
        logger.logLevel = .trace
        logger.info("quote \" backslash \\ newline \n tab \t bell \u{07} ключ", metadata: ["list": ["a", "b"]])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("}\n") && !line.dropLast().contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{07} ключ")
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "test")
        #expect(object["meta_level"] as? String == "clash")
        #expect(object["count"] as? Int == 42)
        #expect(object["list"] as? [String] == ["a", "b"])
        let time = try #require(object["time"] as? String)
        #expect(time.count == 24 && time.hasSuffix("Z"))
    }
}
