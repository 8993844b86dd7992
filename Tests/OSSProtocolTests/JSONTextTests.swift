import Testing
@testable import OSSProtocol

@Suite struct JSONTextTests {
    @Test func parsesDocuments() throws {
        let value = try JSONText.parse(#" { "a": [1, -2.5e3, true, false, null], "b": "x\"\u00e9\ud83d\ude00\n" } "#)
        #expect(value["a"] == .array([.number("1"), .number("-2.5e3"), .bool(true), .bool(false), .null]))
        #expect(value["b"] == .string("x\"é😀\n"))
        #expect(JSONText.number("1e3").integerValue == 1000)
        #expect(JSONText.number("1.5").integerValue == nil)
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "\"\\x\"", "\"\u{01}\"", "tru", "1 2", "\"\\ud800\"", "-", "1."])
    func refusesMalformed(text: String) {
        #expect(throws: JSONText.ParseError.self) { try JSONText.parse(text) }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: JSONText.maxDepth + 1) + String(repeating: "]", count: JSONText.maxDepth + 1)
        #expect(throws: JSONText.ParseError.self) { try JSONText.parse(deep) }
        let ok = String(repeating: "[", count: JSONText.maxDepth) + String(repeating: "]", count: JSONText.maxDepth)
        #expect(throws: Never.self) { try JSONText.parse(ok) }
    }
}
