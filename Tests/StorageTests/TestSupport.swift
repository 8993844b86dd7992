import Foundation
@testable import Storage

/// A fresh directory under the system temp dir, removed when the value goes away.
final class ScratchDirectory: @unchecked Sendable {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "/storage-tests-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var data: String { path + "/data" }
}

/// Deterministic generator so a failing random case can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A settable clock for deterministic timestamps.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(_ start: Int64 = 1_700_000_000_000) { now = start }
    func read() -> Int64 { lock.withLock { now } }
    func advance(_ milliseconds: Int64) { lock.withLock { now += milliseconds } }
    var function: @Sendable () -> Int64 { { [self] in read() } }
}

enum Keys {
    /// Pieces that stress the key mapping: dot segments, escapes, empty
    /// segments, non-ASCII in both normal forms, NUL, and over-long segments.
    static let atoms: [String] = [
        "a", "b", "ab", ".", "..", "", "%", "%s", "%x", "%l", "%25", "%2e%2e", "%s..", "~", " ", "a b",
        "é", "e\u{301}", "😀", "\u{0}", "x.ts", "playlist.m3u8",
        String(repeating: "y", count: 300), String(repeating: "é", count: 140), String(repeating: "%", count: 100),
    ]

    static func random(_ rng: inout SplitMix64, maxBytes: Int = 1023) -> String {
        while true {
            let count = Int.random(in: 1...4, using: &rng)
            var parts: [String] = []
            for _ in 0..<count { parts.append(atoms.randomElement(using: &rng) ?? "a") }
            let key = parts.joined(separator: "/")
            if !key.isEmpty && key.utf8.count <= maxBytes { return key }
        }
    }
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Every regular file under `root` (relative paths), without following links.
func regularFiles(under root: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
    var out: [String] = []
    while let relative = enumerator.nextObject() as? String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: root + "/" + relative)
        if attributes?[.type] as? FileAttributeType == .typeRegular { out.append(relative) }
    }
    return out.sorted()
}

/// Files in the store's temp directory other than the replaced versions it
/// keeps for reuse (`RetiredFiles`): what a failed or finished write left behind.
func leftoverTemporaryFiles(_ store: ObjectStore) throws -> [String] {
    let kept = Set(store.retiredFiles.paths)
    return try FileSystem.entries(store.layout.temporary)
        .map { store.layout.temporary + "/" + String(decoding: $0.name, as: UTF8.self) }
        .filter { !kept.contains($0) }
}
