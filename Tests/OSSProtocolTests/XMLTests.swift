import Testing
@testable import OSSProtocol

@Suite struct XMLTests {
    @Test func writerEmitsDeclarationAndClosesEverything() {
        var writer = XMLWriter(root: "A")
        writer.open("B")
        writer.element("C", "x & y")
        writer.element("N", 5)
        writer.element("T", true)
        writer.element("F", false)
        let out = text(writer.finish())
        #expect(out == declaration + "<A><B><C>x &amp; y</C><N>5</N><T>true</T><F>false</F></B></A>")
    }

    @Test func writerCloseOnEmptyStackIsHarmless() {
        var writer = XMLWriter(root: "A")
        writer.close()
        writer.close()
        #expect(text(writer.finish()) == declaration + "<A></A>")
    }

    @Test func parsesTreeWithTrimmedTextEntitiesAndCDATA() throws {
        let xml = "<Delete>\n  <Quiet> true </Quiet>\n  <Object><Key>a&amp;b</Key></Object><Object><Key><![CDATA[<c>]]></Key></Object>\n</Delete>"
        let root = try XMLDocument.parse(Array(xml.utf8))
        #expect(root.name == "Delete")
        #expect(root.text(of: "Quiet") == "true")
        #expect(root.children("Object").map { $0.text(of: "Key") } == ["a&b", "<c>"])
        #expect(root.child("Missing") == nil)
        #expect(root.children.count == 3)
    }

    @Test func emptyElementsHaveEmptyText() throws {
        let root = try XMLDocument.parse(Array("<R><A /><B></B></R>".utf8))
        #expect(root.text(of: "A") == "")
        #expect(root.text(of: "B") == "")
        #expect(try XMLDocument.parse(Array("<R/>\n".utf8)).name == "R")
        #expect(try XMLDocument.parse(Array("<R ></R >".utf8)).name == "R")
    }

    @Test func rejectsMalformedInputAsMalformedXML() {
        let cases = ["", "<A>", "<A></B>", "not xml", "<A></A><B></B>", "<A/><B/>", "<A></A>trailing",
                     "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", "<a>&undefined;</a>"]
        for input in cases {
            let error = expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array(input.utf8)) }
            #expect(error?.code == "MalformedXML", "\(input)")
            #expect(error?.status == 400)
        }
    }

    /// FoundationXML's parser traps on a non-UTF-8 element name (found by RobustnessTests).
    @Test func rejectsInvalidUTF8BeforeParsing() {
        let crasher: [UInt8] = Array("<Delete><".utf8) + [0xFF] + Array("uiet>true</Quiet></Delete>".utf8)
        let error = expectOSSError { () throws(OSSError) in try XMLDocument.parse(crasher) }
        #expect(error?.code == "MalformedXML")
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse([0x3C, 0x61, 0x3E, 0xC3, 0x3C, 0x2F, 0x61, 0x3E]) }?.code == "MalformedXML")
    }

    @Test func enforcesSizeDepthAndElementLimits() throws {
        let big = Array("<A>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 100) + Array("</A>".utf8)
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(big, maxBytes: 50) }?.code == "MalformedXML")
        #expect((try? XMLDocument.parse(big, maxBytes: 107)) != nil)

        // The default cap, at its edge: a text-only body of exactly defaultMaxBytes parses.
        let filler = XMLDocument.defaultMaxBytes - 7
        let atCap = Array("<A>".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: filler) + Array("</A>".utf8)
        #expect(atCap.count == XMLDocument.defaultMaxBytes)
        #expect((try? XMLDocument.parse(atCap))?.text.utf8.count == filler)
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(atCap + [0x20]) }?.code == "MalformedXML")

        // References longer than the cap are refused; the longest real one is accepted.
        #expect(try XMLDocument.parse(Array("<a>&#x10FFFF;</a>".utf8)).text == "\u{10FFFF}")
        #expect(try XMLDocument.parse(Array("<a>&#00000065;</a>".utf8)).text == "A")
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array("<a>&#000000065;</a>".utf8)) }?.code == "MalformedXML")
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array("<a>&aaaaaaaaaaa;</a>".utf8)) }?.code == "MalformedXML")

        let depth = XMLDocument.maxDepth
        let nestedOK = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
        #expect((try? XMLDocument.parse(Array(nestedOK.utf8))) != nil)
        let nestedBad = String(repeating: "<a>", count: depth + 1) + String(repeating: "</a>", count: depth + 1)
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array(nestedBad.utf8)) }?.code == "MalformedXML")

        let many = "<r>" + String(repeating: "<a/>", count: XMLDocument.maxElements) + "</r>"
        #expect(expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array(many.utf8)) }?.code == "MalformedXML")
        let enough = "<r>" + String(repeating: "<a/>", count: XMLDocument.maxElements - 1) + "</r>"
        #expect((try? XMLDocument.parse(Array(enough.utf8))) != nil)
    }

    @Test func prologAttributesCommentsAndReferences() throws {
        let xml = "\u{FEFF}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><?pi data?>"
            + "<Root xmlns=\"http://doc.oss-cn-hangzhou.aliyuncs.com\" a='1' b = \"x&amp;y\">"
            + "<K>&lt;&#65;&#x42;&#x4E2D;&quot;&apos;&gt;</K><!-- inside --><E/><E x=\"1\"/>"
            + "<p:N xmlns:p=\"urn:p\">t</p:N></Root>\n<!-- after -->\n"
        let root = try XMLDocument.parse(Array(xml.utf8))
        #expect(root.name == "Root")
        #expect(root.text(of: "K") == "<AB中\"'>")
        #expect(root.children("E").count == 2)
        #expect(root.text(of: "p:N") == "t")
        #expect(root.children.map(\.name) == ["K", "E", "E", "p:N"])
    }

    /// Inputs that trapped FoundationXML or that a strict parser must refuse.
    @Test func refusesWhatIsNotWellFormed() {
        let cases = ["<a:Delete xmlns:a=\"u\"><Key>x</Key></a:Delet>", "<a b=c></a>", "<a b=\"1\" b=\"2\"></a>", "<a b=\"<\"></a>",
                     "<a>\u{00}</a>", "<a>&#0;</a>", "<a>&#xD800;</a>", "<a>&#1114112;</a>", "<a>&#xZZ;</a>", "<a>&amp</a>",
                     "<a>&verylongentityname;</a>", "<a><!-- open</a>", "<a><![CDATA[x</a>", "<a><?pi</a>", "<1a></1a>",
                     "<a><!ELEMENT x></a>", "<a", "<a/", "<a></a", "</a>", "<a>x</a><!-- x", "text<a/>", "<a b></a>",
                     "<a\"b\"></a>"]
        for input in cases {
            let error = expectOSSError { () throws(OSSError) in try XMLDocument.parse(Array(input.utf8)) }
            #expect(error?.code == "MalformedXML", "\(input)")
        }
    }

    /// Object keys may hold control characters, and the SDKs put them in
    /// request bodies raw (oss2's DeleteMultipleObjects); OSS reads them.
    @Test func keepsRawControlCharactersInContent() throws {
        let root = try XMLDocument.parse(Array("<Delete><Object><Key>a\u{0C}b\u{01}\u{7F}</Key></Object></Delete>".utf8))
        #expect(root.children("Object").first?.text(of: "Key") == "a\u{0C}b\u{01}\u{7F}")
    }

    @Test func writerOutputParsesBack() throws {
        var writer = XMLWriter(root: "R")
        writer.element("K", "<&>\"' ünï")
        let root = try XMLDocument.parse(writer.finish())
        #expect(root.text(of: "K") == "<&>\"' ünï")
    }
}

@Suite struct XMLWriterCharacterTests {
    /// XML 1.0 cannot carry C0 controls (tab, LF, CR aside) nor U+FFFE/U+FFFF,
    /// not even as character references: they become U+FFFD.
    @Test func writerNeverEmitsCharactersXMLCannotCarry() {
        var writer = XMLWriter(root: "R")
        writer.element("K", "a\u{00}b\u{01}\u{1F}c\td\ne\r\u{7F}\u{FFFE}\u{FFFF}\u{FFFD}\u{EFFF}é")
        let text = String(decoding: writer.finish(), as: UTF8.self)
        #expect(text.hasSuffix("<R><K>a\u{FFFD}b\u{FFFD}\u{FFFD}c\td\ne\r\u{7F}\u{FFFD}\u{FFFD}\u{FFFD}\u{EFFF}é</K></R>"), "\(text.debugDescription)")
        #expect(XMLWriter.escape("x\u{02}<") == "x\u{FFFD}&lt;")
    }
}
