// In-process start-to-ready time of an emulator: `start()` returning means
// both listeners accept connections. Usage:
//   emulator-start-bench [iterations] [--bare]    (default 200)
// --bare starts without buckets and channels to create.
// Prints min / median / p90 / max of start() and of stop(), in milliseconds,
// and checks that the HTTP port answers right after start().
import Emulator
import Foundation
import Logging

let iterations = CommandLine.arguments.dropFirst().lazy.compactMap { Int($0) }.first ?? 200
let bare = CommandLine.arguments.contains("--bare")
var configuration = EmulatorConfiguration()
configuration.port = 0
configuration.rtmpPort = 0
configuration.ephemeral = true
if !bare {
    configuration.buckets = [BucketSpec(name: "bench")]
    configuration.channels = [ChannelSpec(bucket: "bench", name: "cam")]
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Connects to the port once (the listener is accepting when this succeeds).
func accepts(_ port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

let clock = ContinuousClock()
var quiet = Logger(label: "emulator-start-bench")
quiet.logLevel = .warning
let emulator = Emulator(configuration: configuration, logger: quiet)
var starts: [Double] = []
var stops: [Double] = []
for index in 0..<(iterations + 5) {
    let began = clock.now
    let endpoints = try emulator.start()
    let ready = clock.now
    guard accepts(endpoints.httpPort), accepts(endpoints.rtmpPort) else {
        FileHandle.standardError.write(Data("not accepting after start()\n".utf8))
        exit(1)
    }
    let stopping = clock.now
    emulator.stop()
    let stopped = clock.now
    // The first few warm up caches and lazily created Dispatch state.
    if index >= 5 {
        starts.append(milliseconds(ready - began))
        stops.append(milliseconds(stopped - stopping))
    }
}

func summary(_ name: String, _ values: [Double]) -> String {
    let sorted = values.sorted()
    func at(_ fraction: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))] }
    return String(format: "%@: min %.3f ms, median %.3f ms, p90 %.3f ms, max %.3f ms (%d runs)",
                  name, sorted[0], at(0.5), at(0.9), sorted[sorted.count - 1], sorted.count)
}
print(summary("start to ready", starts))
print(summary("stop", stops))
