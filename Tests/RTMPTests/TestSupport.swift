import Foundation
@testable import RTMP

/// Bytes from a hex string; spaces and newlines are ignored.
func hex(_ text: String) -> [UInt8] {
    let digits = text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) }
    var out: [UInt8] = []
    var iterator = digits.makeIterator()
    while let high = iterator.next(), let low = iterator.next() {
        out.append(UInt8(String(high) + String(low), radix: 16)!)
    }
    return out
}

/// The package root, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

func fixtureURL(_ name: String) -> URL {
    packageRoot.appendingPathComponent("fixtures").appendingPathComponent(name)
}

let vectorsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Vectors")

extension ContinuousClock.Instant {
    static let testStart = ContinuousClock.now
}

/// Concatenates byte sequences (long `+` chains are slow to type-check).
func cat(_ parts: any Sequence<UInt8>...) -> [UInt8] {
    var out: [UInt8] = []
    for part in parts { out.append(contentsOf: part) }
    return out
}
