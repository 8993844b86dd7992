import KMS
import OSSProtocol
import Transport

/// CONNECT tunnels (TLS terminated with the emulator's CA) to the hosts the
/// emulator serves, and the KMS service answering on `kms.<region>.aliyuncs.com`.
extension FrontDoor {
    /// Under `/_emulator`: the CA certificate clients add to their trust store.
    static let caCertificatePath = "/ca.pem"
    /// The only port tunnels are opened to (clients use https://host).
    static let tunnelPort = 443

    func tunnel(for head: HTTPRequestHead) -> TunnelDecision? {
        let authority = head.target
        let host = HostResolver.hostWithoutPort(authority).lowercased()
        let port = authority.split(separator: ":").last.flatMap { Int($0) }
        guard port == Self.tunnelPort, Self.isTunnelledHost(host) else {
            return .refuse(refusal(403, "The emulator tunnels only to OSS and KMS hosts on port 443 (*.aliyuncs.com); refused CONNECT \(authority)."))
        }
        guard let certificateAuthority, let context = certificateAuthority.serverContext(for: host) else {
            return .refuse(refusal(502, "The emulator cannot terminate TLS for \(host)."))
        }
        logger.debug("CONNECT \(host):\(Self.tunnelPort) tunnelled")
        return .open(context)
    }

    private func refusal(_ status: Int, _ message: String) -> HTTPResponse {
        logger.info("refused CONNECT: \(message)")
        return HTTPResponse(status: status, headers: ["Content-Type": "text/plain; charset=utf-8", "Connection": "close"],
                            body: .bytes(Array((message + "\n").utf8)))
    }

    /// OSS endpoints, bucket hosts on them, and the KMS endpoints.
    static func isTunnelledHost(_ host: String) -> Bool {
        if HostResolver.isOSSEndpoint(host) || isKMSHost(host) { return true }
        guard let dot = host.firstIndex(of: "."), dot != host.startIndex else { return false }
        return HostResolver.isOSSEndpoint(String(host[host.index(after: dot)...]))
    }

    /// `kms.<region>.aliyuncs.com` and `kms-vpc.<region>.aliyuncs.com`.
    static func isKMSHost(_ host: String) -> Bool {
        // Nearly every request is not for KMS: no split for those.
        guard host.hasSuffix(".aliyuncs.com") else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count == 4 && (labels[0] == "kms" || labels[0] == "kms-vpc") && !labels[1].isEmpty
            && labels[2] == "aliyuncs" && labels[3] == "com"
    }

    func answerKMS(_ request: HTTPRequest, requestId: String, startedAt: Int64) -> HTTPResponse {
        let body: [UInt8]
        switch request.body {
        case .bytes(let bytes): body = bytes
        default: body = []  // KMS requests are small; a spooled body is not a KMS request
        }
        let host = HostResolver.hostWithoutPort(request.head.headers["Host"] ?? "")
        let answer = kms.handle(method: request.head.method, target: request.head.target, body: body, host: host, requestId: requestId)
        let response = HTTPResponse(
            status: answer.status,
            headers: ["Content-Type": "application/json;charset=utf-8", "x-acs-request-id": requestId],
            body: .bytes(Array(answer.json.utf8)))
        logger.info("KMS \(request.head.method) \(host) \(answer.status)", metadata: ["request_id": .string(requestId)])
        return response
    }
}
