import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import OSSProtocol
@testable import Emulator

/// An in-process emulator on free ports with temporary storage, and a client
/// that signs its requests with V1 like the SDKs do.
final class TestEmulator {
    static let keyId = "test-key"
    static let secret = "test-secret"

    let emulator: Emulator
    let endpoints: EmulatorEndpoints

    init(clock: (@Sendable () -> Int64)? = nil, dataDirectory: String? = nil,
         configure: (inout EmulatorConfiguration) -> Void = { _ in }) throws {
        var configuration = EmulatorConfiguration()
        configuration.port = 0
        configuration.rtmpPort = 0
        if let dataDirectory {
            configuration.dataDirectory = dataDirectory
        } else {
            configuration.ephemeral = true
        }
        configuration.credentials = [Credential(accessKeyId: Self.keyId, accessKeySecret: Self.secret)]
        if let clock { configuration.wallClock = clock }
        configure(&configuration)
        emulator = Emulator(configuration: configuration)
        endpoints = try emulator.start()
    }

    deinit { emulator.stop() }

    struct Response {
        var status: Int
        var headers: [String: String]
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    /// Sends `method /bucket/key?query` path style, signed unless `anonymous`.
    func send(_ method: String, bucket: String?, key: String? = nil, query: [QueryItem] = [],
              body: [UInt8] = [], headers: [String: String] = [:], anonymous: Bool = false) async throws -> Response {
        var path = "/"
        if let bucket { path += bucket + "/" }
        if let key { path += PercentEncoding.encodeRFC3986(key, keepSlash: false) }
        if !query.isEmpty {
            path += "?" + query.map { item in
                item.value.map { "\(item.name)=\(PercentEncoding.encodeRFC3986($0, keepSlash: false))" } ?? item.name
            }.joined(separator: "&")
        }
        var request = URLRequest(url: URL(string: endpoints.http + path)!)
        request.httpMethod = method
        let date = OSSTime.httpDate(Int64(Date().timeIntervalSince1970))
        request.setValue(date, forHTTPHeaderField: "Date")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        if !anonymous {
            let lowered = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.lowercased(), $0.value) })
            let stringToSign = V1Signature.stringToSign(
                method: method, contentMD5: lowered["content-md5"] ?? "", contentType: lowered["content-type"] ?? "",
                date: date, ossHeaders: lowered, bucket: bucket, key: key, query: query)
            let signature = V1Signature.sign(secret: Self.secret, stringToSign: stringToSign)
            request.setValue("OSS \(Self.keyId):\(signature)", forHTTPHeaderField: "Authorization")
        }
        if !body.isEmpty || method == "PUT" || method == "POST" { request.httpBody = Data(body) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headerMap: [String: String] = [:]
        for (name, value) in http.allHeaderFields { headerMap["\(name)"] = "\(value)" }
        return Response(status: http.statusCode, headers: headerMap, body: Array(data))
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }
}
