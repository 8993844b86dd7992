@testable import Emulator
import FuzzSupport
import OSSProtocol

/// Everything that reads who sent a request: Host and target resolution,
/// the V1/V2/V4 Authorization header and presigned-URL parsers and checks,
/// dates, and the RTMP publish URL (path, query, signature). The input is a
/// request as text (see `TextRequest`); seeds carry real signatures made at
/// `fuzzNow`, so mutations reach past the signature comparison too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAuth(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let request = TextRequest(fuzzBytes(data, size))
    let host = request.header("Host")
    guard let target = try? resolver.resolve(hostHeader: host, requestTarget: request.target) else { return 0 }
    _ = target.emulatorPath
    let signable = SignableRequest(method: request.method, bucket: target.bucket, key: target.key,
                                   query: target.query, headers: request.headers)
    _ = try? authenticator.authenticate(signable, now: fuzzNow)
    if let authorization = request.header("Authorization") {
        _ = V2Signature.Authorization(parsing: authorization)
        _ = V4Signature.Authorization(parsing: authorization)
    }
    if let credential = target.query.value("x-oss-credential") { _ = V4Signature.CredentialScope(parsing: credential) }
    for name in ["Date", "x-oss-date"] {
        guard let date = request.header(name) else { continue }
        _ = OSSTime.parseHTTPDate(date)
        _ = OSSTime.parseISO8601Basic(date)
        _ = OSSTime.parseISO8601(date)
    }
    // The same path and query as an RTMP publish: rtmp://<host>/<path>.
    let path = request.target.drop { $0 == "/" }
    let split = path.firstIndex(of: "/").map { (String(path[..<$0]), String(path[path.index(after: $0)...])) }
    let (app, stream) = split ?? ("", String(path))
    if let publish = try? PublishTarget.resolve(app: app, streamName: stream, tcUrl: host.map { "rtmp://" + $0 + "/" + app },
                                                resolver: resolver, defaultBucket: nil) {
        _ = RTMPURLSignature.isSigned(publish.parameters)
        _ = try? RTMPURLSignature.verify(parameters: publish.parameters, bucket: publish.bucket, channel: publish.channel,
                                         credentials: credentials, now: fuzzNow)
    }
    return 0
}

/// The time the seeds were signed at (2023-11-14T22:13:20Z).
let fuzzNow: Int64 = 1_700_000_000
let credentials = [
    Credential(accessKeyId: "fuzz-key", accessKeySecret: "fuzz-secret"),
    Credential(accessKeyId: "STS.fuzz", accessKeySecret: "sts-secret", securityToken: "fuzz-token"),
]
let authenticator = Authenticator(credentials: credentials)
let resolver = HostResolver(baseHosts: ["localhost", "oss-cn-hangzhou.aliyuncs.com"], cnames: ["cdn.example.com": "cname-bucket"])
