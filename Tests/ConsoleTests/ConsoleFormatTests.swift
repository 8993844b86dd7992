import Testing
@testable import Console
import OSSProtocol

@Suite struct ConsoleFormatTests {
    @Test func escapesAndPlurals() {
        #expect(ConsoleFormat.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
        #expect(ConsoleFormat.plural(1, "bucket") == "1 bucket")
        #expect(ConsoleFormat.plural(0, "bucket") == "0 buckets")
        #expect(ConsoleFormat.plural(2, "earlier push", "earlier pushes") == "2 earlier pushes")
        #expect(ConsoleFormat.seconds(milliseconds: 2002) == "2.002")
        #expect(ConsoleFormat.seconds(milliseconds: 40) == "0.040")
    }
}
