// Start-up, put and listing figures for the Storage module.
//
//   swift run -c release storage-bench [objects] [data-directory] [--startup-only]
//
// Fills a bucket with `objects` small segment-like objects (default 100,000)
// spread over 20 channel prefixes, then reopens the store several times (warm
// page cache) and prints how long loading takes, with and without the journal.
import Foundation
import Storage

let arguments = CommandLine.arguments
let count = arguments.count > 1 ? Int(arguments[1]) ?? 100_000 : 100_000
let root = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory() + "/storage-bench-\(getpid())"
let keepData = arguments.count > 2
let startupOnly = arguments.contains("--startup-only")
let clock = ContinuousClock()

func milliseconds(_ duration: Duration) -> String {
    let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    return String(format: "%.1f ms", ms)
}

func residentMegabytes() -> String {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? "VmRSS: ?"
    return line.replacingOccurrences(of: "VmRSS:", with: "").trimmingCharacters(in: .whitespaces)
}

do {
    do {
        let store = try ObjectStore(root: root)
        if try store.createBucket("bench", acl: .private) {
            let body = [UInt8](repeating: 0x47, count: 188)
            let elapsed = try clock.measure {
                for n in 0..<count {
                    let start = 1_700_000_000_000 + Int64(n) * 5000
                    let metadata = ObjectMetadata(
                        contentType: "video/MP2T",
                        attributes: ["start": "\(start)", "duration": "5.005", "push": "p\(n / 1000)"])
                    _ = try store.putObject(bucket: "bench", key: "ch\(n % 20)/\(start).ts", bytes: body, metadata: metadata)
                }
            }
            print("put \(count) objects: \(milliseconds(elapsed)) (\(Int(Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))) puts/s)")
        }
    }
    var store: ObjectStore?
    for attempt in 1...3 {
        store = nil
        let elapsed = try clock.measure { store = try ObjectStore(root: root) }
        print("start-up with \(try store?.objectCount(bucket: "bench") ?? 0) objects, run \(attempt): \(milliseconds(elapsed)), resident \(residentMegabytes())")
    }
    print("resident memory after load: \(residentMegabytes())")
    if startupOnly { exit(0) }
    if let store {
        var listed = 0
        let elapsed = try clock.measure {
            for channel in 0..<20 {
                var marker: String?
                repeat {
                    let page = try store.listObjects(bucket: "bench", prefix: "ch\(channel)/", after: marker, delimiter: "/", maxKeys: 1000)
                    listed += page.objects.count
                    marker = page.nextMarker
                } while marker != nil
            }
        }
        print("listed \(listed) objects in pages of 1000: \(milliseconds(elapsed))")
    }
    store = nil
    // Without a journal every file is read and hashed, as for files copied in by hand.
    try FileManager.default.removeItem(atPath: root + "/.oss/journal/bench")
    let elapsed = try clock.measure { store = try ObjectStore(root: root) }
    print("start-up without journal (hash every file): \(milliseconds(elapsed))")
    store = nil
    if !keepData { try FileManager.default.removeItem(atPath: root) }
} catch {
    print("benchmark failed: \(error)")
    exit(1)
}
