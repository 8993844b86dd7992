import Testing
@testable import Storage

@Suite struct KeyPathTests {
    func components(_ key: String) -> [String] {
        KeyPath.primaryComponents(of: bytes(key)).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func ordinaryKeysStayBrowsable() {
        #expect(components("live/1709625600123.ts") == ["live", "1709625600123.ts"])
        #expect(components("a b/é😀") == ["a b", "é😀"])
    }

    @Test(arguments: [
        ("a/./b", ["a", "%s.", "b"]),
        ("../../etc/passwd", ["%s..", "%s..", "etc", "passwd"]),
        ("/etc/passwd", ["%s", "etc", "passwd"]),
        ("a//b", ["a", "%s", "b"]),
        ("dir/", ["dir", "%s"]),
        ("%2e%2e/x", ["%s%252e%252e", "x"]),
        ("%s..", ["%s%25s.."]),
        ("a\u{0}b", ["%sa%00b"]),
    ])
    func unusableSegmentsAreEscaped(key: String, expected: [String]) {
        #expect(components(key) == expected)
        #expect(KeyPath.key(fromComponents: KeyPath.primaryComponents(of: bytes(key))) == bytes(key))
    }

    @Test func longSegmentsBecomeChunkDirectoriesOfAtMost255Bytes() {
        let segment = String(repeating: "é", count: 300)  // 600 bytes
        let parts = KeyPath.primaryComponents(of: bytes("top/" + segment))
        #expect(parts.count == 4)
        #expect(parts.allSatisfy { $0.count <= KeyPath.maxComponentBytes })
        #expect(parts.dropFirst().dropLast().allSatisfy { $0.starts(with: bytes("%l")) })
        // Chunks are cut between scalars, so every name is valid UTF-8.
        #expect(parts.allSatisfy { KeyPath.isValidUTF8($0) })
        #expect(KeyPath.key(fromComponents: parts) == bytes("top/" + segment))
    }

    /// Both spellings (`%x` + payload too) must fit in one file name.
    @Test func segmentsAreCutWhenTheirAlternateWouldExceed255Bytes() {
        #expect(components(String(repeating: "z", count: 253)).count == 1)
        #expect(components(String(repeating: "z", count: 254)).count == 2)
        #expect(components(String(repeating: "%", count: 84)).count == 1)  // 252 bytes escaped
        #expect(components(String(repeating: "%", count: 85)).count == 2)
    }

    @Test func alternateNameDecodesToTheSameSegment() {
        let alternate = KeyPath.alternateName(bytes("a"))
        #expect(alternate == bytes("%xa"))
        #expect(KeyPath.key(fromComponents: [alternate, bytes("b")]) == bytes("a/b"))
        #expect(KeyPath.key(fromComponents: [KeyPath.alternateName(bytes(".."))]) == bytes(".."))
    }

    @Test(arguments: ["%zz", "%s%4", "%s%41", "%l", "%lfoo"])
    func malformedEscapesAreTakenLiterally(name: String) {
        // As a file name (last component), none of these is a complete escape.
        #expect(KeyPath.key(fromComponents: [bytes(name)]) == bytes(name))
    }

    @Test func roundTripOverGeneratedKeys() {
        var rng = SplitMix64(seed: 42)
        var seen: [[[UInt8]]: [UInt8]] = [:]
        for _ in 0..<5000 {
            let key = bytes(Keys.random(&rng))
            let parts = KeyPath.primaryComponents(of: key)
            for part in parts {
                #expect(!part.isEmpty && part != bytes(".") && part != bytes(".."))
                #expect(part.count <= KeyPath.maxComponentBytes)
                #expect(!part.contains(0) && !part.contains(KeyPath.slash))
            }
            #expect(KeyPath.key(fromComponents: parts) == key)
            if let other = seen[parts] { #expect(other == key) }
            seen[parts] = key
        }
    }
}
