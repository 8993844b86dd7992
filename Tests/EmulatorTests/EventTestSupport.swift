import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OSSProtocol
@testable import Emulator

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func fixturePath(_ name: String) -> String {
    packageRoot.appendingPathComponent("fixtures").appendingPathComponent(name).path
}

/// A started emulator on free ports with temporary storage and the test credentials.
func startEmulator(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }) throws -> Emulator {
    var configuration = EmulatorConfiguration.testing(
        credentials: [Credential(accessKeyId: TestEmulator.keyId, accessKeySecret: TestEmulator.secret)])
    configure(&configuration)
    let emulator = Emulator(configuration: configuration)
    try emulator.start()
    return emulator
}

struct PlainResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? {
        headers.first { $0.key.lowercased() == name.lowercased() }?.value
    }
}

/// An unsigned request, as a script would send to `/_emulator/`.
func plainRequest(_ method: String, _ url: String, headers: [String: String] = [:]) async throws -> PlainResponse {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
    if method == "POST" { request.httpBody = Data() }
    let (data, response) = try await URLSession.shared.data(for: request)
    let http = response as! HTTPURLResponse
    var map: [String: String] = [:]
    for (name, value) in http.allHeaderFields { map["\(name)"] = "\(value)" }
    return PlainResponse(status: http.statusCode, headers: map, body: Array(data))
}

/// JSON object from a response body.
func jsonObject(_ response: PlainResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
}

/// The configuration document of a channel with short fragments.
func channelConfiguration(fragDuration: Int = 1, fragCount: Int = 3, playlist: String = "playlist.m3u8") -> [UInt8] {
    Array("""
        <LiveChannelConfiguration><Status>enabled</Status><Target><Type>HLS</Type>\
        <FragDuration>\(fragDuration)</FragDuration><FragCount>\(fragCount)</FragCount>\
        <PlaylistName>\(playlist)</PlaylistName></Target></LiveChannelConfiguration>
        """.utf8)
}
