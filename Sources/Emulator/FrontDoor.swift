import BucketConfig
import KMS
import LiveIngest
import Logging
import ObjectAPI
import OSSProtocol
import Storage
import Transport

/// The OSS front door: finds the bucket and key of a request, authenticates
/// it, applies the bucket ACL and hands it to the handler for its operation.
final class FrontDoor: HTTPRequestHandler {
    let store: ObjectStore
    let authenticator: Authenticator
    let resolver: HostResolver
    let configuration: EmulatorConfiguration
    let logger: Logger
    let buckets: BucketHandlers
    let objects: ObjectHandlers
    let live: LiveChannelHandlers
    let admin: AdminHandlers
    let callbacks: UploadCallbackSender
    let callbackKey = CallbackSigningKey()
    let postObjects: PostObjectHandler
    /// Certificates for CONNECT tunnels to OSS and KMS hosts; nil when it cannot be set up.
    let certificateAuthority: TLSCertificateAuthority?
    let kms: KMSService
    let journal: RequestJournal
    let faults: FaultInjector
    let events: EventLog?
    /// Per-bucket CORS rules, hotlink protection, website and default encryption.
    let configs: BucketServingConfig

    init(store: ObjectStore, channels: ChannelRegistry, configuration: EmulatorConfiguration, logger: Logger,
         admin: AdminHandlers, dataDirectory: String, journal: RequestJournal = RequestJournal(),
         faults: FaultInjector = FaultInjector(), events: EventLog? = nil) {
        self.store = store
        self.journal = journal
        self.faults = faults
        self.events = events
        do {
            self.certificateAuthority = try TLSCertificateAuthority(directory: dataDirectory + "/.oss/tls")
        } catch {
            logger.warning("CONNECT tunnels disabled: \(error)")
            self.certificateAuthority = nil
        }
        self.kms = KMSService(
            directory: dataDirectory + "/.oss/kms",
            credentials: Dictionary(configuration.credentials.map { ($0.accessKeyId, $0.accessKeySecret) }, uniquingKeysWith: { a, _ in a }))
        self.configuration = configuration
        self.logger = logger
        self.authenticator = Authenticator(credentials: configuration.credentials)
        self.resolver = HostResolver(baseHosts: configuration.baseHosts)
        let live = LiveChannelHandlers(
            store: store, channels: channels, urlStyle: configuration.urlStyle, segments: SegmentIndex(store: store))
        self.live = live
        let configs = BucketServingConfig(store: store)
        self.configs = configs
        self.buckets = BucketHandlers(
            store: store, owner: Owner(id: configuration.ownerId), dependents: channels, configs: configs)
        self.objects = ObjectHandlers(
            store: store, owner: Owner(id: configuration.ownerId),
            settings: ObjectAPISettings(
                restoreDelayMilliseconds: Int64(configuration.restoreDelaySeconds * 1000),
                defaultKMSKeyId: KMSService.defaultKeyId(ownerId: configuration.ownerId)),
            configs: configs)
        self.admin = admin
        self.callbacks = UploadCallbackSender(signer: callbackKey)
        self.postObjects = PostObjectHandler(store: store, authenticator: authenticator, configs: configs)
    }

    func handle(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        guard let fault = matchingFault(request) else {
            serve(request, respond: respond)
            return
        }
        inject(fault.rule, target: fault.target, request: request, respond: respond)
    }

    func serve(_ request: HTTPRequest, respond: @escaping HTTPResponder) {
        let now = configuration.wallClock()
        let requestId = RequestID.next(nowMilliseconds: now)
        let hostHeader = request.head.headers["Host"]
        if let hostHeader, Self.isKMSHost(HostResolver.lowercasedHost(HostResolver.hostWithoutPort(hostHeader))) {
            respond(answerKMS(request, requestId: requestId, startedAt: now))
            return
        }
        let isHead = request.head.method == "HEAD"
        var responder = Responder(requestId: requestId, nowSeconds: now / 1000, hostId: hostHeader ?? "", isHead: isHead)
        var target: RequestTarget?
        let response: HTTPResponse
        do {
            let resolved = try resolver.resolve(hostHeader: hostHeader, requestTarget: request.head.target)
            target = resolved
            if resolved.style == .virtualHosted {
                // The bucket host as the client addressed it (the Host header or an absolute-form target).
                responder = Responder(requestId: requestId, nowSeconds: now / 1000, hostId: resolved.host, isHead: isHead)
            }
            if let path = resolved.emulatorPath, request.head.method == "GET", let pem = callbackKey.publicKey(path: path) {
                // Open like health: callback servers fetch it to check signatures.
                let answer = responder.response(headers: ["Content-Type": "application/x-pem-file"], body: .bytes(Array(pem.utf8)))
                logRequest(request, target: resolved, response: answer, requestId: requestId, startedAt: now)
                respond(answer)
                return
            }
            if resolved.emulatorPath == Self.caCertificatePath, request.head.method == "GET" || isHead,
               let certificateAuthority {
                let answer = responder.response(
                    headers: ["Content-Type": "application/x-pem-file"], body: .bytes(Array(certificateAuthority.certificatePEM.utf8)))
                logRequest(request, target: resolved, response: answer, requestId: requestId, startedAt: now)
                respond(answer)
                return
            }
            if resolved.style == .path, resolved.isEmulatorHost, "/" + (resolved.bucket ?? "") == AdminHandlers.faviconPath,
               resolved.key?.isEmpty ?? true, request.head.method == "GET" || isHead {
                // What a browser asks for by itself; never a bucket (OSS bucket names are lowercase letters, digits and hyphens).
                let answer = AdminHandlers.favicon(responder: responder)
                logRequest(request, target: resolved, response: answer, requestId: requestId, startedAt: now)
                respond(answer)
                return
            }
            if let path = resolved.emulatorPath, request.head.method != "OPTIONS" {
                // Admin answers may come later (reset) or stream (events).
                admin.handle(request, target: resolved, path: path, responder: responder) { [self] response in
                    logRequest(request, target: resolved, response: response, requestId: requestId, startedAt: now)
                    // No other origin's page may read admin answers; health alone is shared.
                    respond(path == AdminHandlers.openPath ? CORS.decorate(response, request: request.head) : response)
                }
                return
            }
            switch try route(request, target: resolved, responder: responder, now: now) {
            case .response(let answer):
                response = answer
            case .callback(let pending):
                // The write is done; the answer waits for the callback server, off this queue.
                let keyURL: @Sendable () -> String? = { [callbackKey, configuration] in
                    callbackKey.publicKeyPath.map {
                        "http://\(Emulator.reachableHost(configuration.host)):\(request.localPort)/_emulator\($0)"
                    }
                }
                let rules = corsRules(resolved)
                callbacks.send(pending, publicKeyURL: keyURL) { [self] answer in
                    logRequest(request, target: resolved, response: answer, requestId: requestId, startedAt: now)
                    respond(CORS.decorate(answer, request: request.head, rules: rules))
                }
                return
            }
        } catch let error as OSSError {
            response = answer(error, responder: responder)
        } catch let error as StorageError {
            response = answer(error.ossError, responder: responder)
        } catch {
            response = answer(.internalError("\(error)"), responder: responder)
        }
        logRequest(request, target: target, response: response, requestId: requestId, startedAt: now)
        respond(CORS.decorate(response, request: request.head, rules: target.flatMap(corsRules)))
    }

    /// The CORS rules of the request's bucket; nil for the permissive default.
    private func corsRules(_ target: RequestTarget) -> CORSConfiguration? {
        guard target.emulatorPath == nil, let bucket = target.bucket else { return nil }
        return configs.settings(bucket).cors
    }

    /// Hotlink protection: anonymous and presigned requests for a bucket's
    /// objects must carry a Referer its configuration allows.
    private func checkReferer(_ context: RequestContext, bucket: String) throws {
        guard context.auth == .anonymous || context.isPresigned, let referer = configs.settings(bucket).referer else { return }
        if case .denied(let ec) = referer.check(referer: context.headers["Referer"]) {
            throw OSSError.refererDenied(bucket: bucket, ec: ec)
        }
    }

    /// The error answer; what the client is not told (server paths, system errors) goes to the log.
    private func answer(_ error: OSSError, responder: Responder) -> HTTPResponse {
        if let detail = error.logDetail {
            logger.error("\(error.code) answered to request \(responder.requestId): \(detail)")
        }
        return responder.error(error)
    }

    func response(for error: HTTPRequestError, head: HTTPRequestHead?) -> HTTPResponse {
        let now = configuration.wallClock()
        let responder = Responder(
            requestId: RequestID.next(nowMilliseconds: now), nowSeconds: now / 1000,
            hostId: head?.headers["Host"] ?? "", isHead: head?.method == "HEAD")
        var headers: HTTPHeaders = ["Connection": "close"]
        let ossError = OSSError.transport(error)
        headers.add("Content-Type", "application/xml")
        let body = ossError.xmlBody(requestId: responder.requestId, hostId: responder.hostId)
        logger.info("rejected malformed request: \(error)")
        return responder.response(status: ossError.status, headers: headers, body: responder.isHead ? .empty : .bytes(body))
    }

    /// The methods OSS serves; any other is 405 before anything else is looked at.
    static let ossMethods = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]

    private func route(_ request: HTTPRequest, target: RequestTarget, responder: Responder, now: Int64) throws -> HandlerOutcome {
        guard Self.ossMethods.contains(request.head.method) else {
            let resourceType = target.key?.isEmpty == false ? "Object" : (target.bucket == nil ? "Service" : "Bucket")
            var answer = responder.error(.methodNotAllowed(method: request.head.method, resourceType: resourceType))
            // RFC 9110 §15.5.6: a 405 lists what the resource does allow.
            answer.headers.add("Allow", Self.ossMethods.joined(separator: ", "))
            return .response(answer)
        }
        if request.head.method == "OPTIONS" {
            if let path = target.emulatorPath, path != AdminHandlers.openPath {
                throw OSSError(status: 403, code: "AccessForbidden", message: "CORSResponse: the emulator's own endpoints are not shared with other origins.")
            }
            return .response(try CORS.preflight(request.head, responder: responder, rules: corsRules(target)))
        }
        // No bucket can have such a name; OSS says so before looking anything up.
        if let bucket = target.bucket { try NameRules.validateBucketName(bucket) }
        let signable = SignableRequest(
            method: request.head.method, bucket: target.bucket, key: target.key,
            query: target.query, headers: request.head.headers.pairs)
        let auth = try authenticator.authenticate(signable, now: now / 1000, realNow: configuration.realClock() / 1000)
        if case .signed(let id) = auth, let expiration = configuration.credentials.first(where: { $0.accessKeyId == id })?.expiration,
           now / 1000 >= expiration {
            throw OSSError.securityTokenExpired
        }
        let context = RequestContext(request: request, target: target, auth: auth, respond: responder, nowMilliseconds: now)

        guard let bucket = target.bucket else {
            try requireSignature(context)
            return .response(try buckets.service(context))
        }
        guard let key = target.key, !key.isEmpty else {
            // A browser form upload authenticates itself with its policy and signature fields.
            if PostObjectHandler.isFormUpload(context) { return try postObjects.handle(context, bucket: bucket) }
            if context.auth == .anonymous, context.method == "GET" || context.method == "HEAD", context.query.isEmpty {
                // A static website's root: its index document, as an object read.
                let website = try objects.websiteRoot(context, bucket: bucket) { [self] index in
                    try checkReferer(context, bucket: bucket)
                    try authorizeObjectAccess(context, bucket: bucket, key: index)
                    return try objects.handle(context, bucket: bucket, key: index)
                }
                if let website { return .response(website) }
            }
            try requireSignature(context)
            if context.query.has("live") { return .response(try live.bucketLevel(context, bucket: bucket)) }
            return .response(try buckets.handle(context, bucket: bucket))
        }
        if context.query.has("live") || context.query.has("vod") {
            try requireSignature(context)
            return .response(try live.objectLevel(context, bucket: bucket, key: key))
        }
        try checkReferer(context, bucket: bucket)
        try authorizeObjectAccess(context, bucket: bucket, key: key)
        if let pending = try objects.pendingCallback(context, bucket: bucket, key: key) { return .callback(pending) }
        return .response(try objects.handle(context, bucket: bucket, key: key))
    }

    /// Service, bucket, `?live` and `?vod` calls always need a signature.
    private func requireSignature(_ context: RequestContext) throws {
        if context.auth == .anonymous {
            throw OSSError.accessDenied("Anonymous access to this resource is not allowed; sign the request.")
        }
    }

    /// Anonymous object reads and writes: the object's own ACL when it has
    /// one, else the bucket's (OSS: a non-default object ACL wins either way).
    /// A read through a symlink needs the target's permission as well.
    private func authorizeObjectAccess(_ context: RequestContext, bucket: String, key: String) throws {
        guard context.auth == .anonymous else { return }
        guard let info = store.bucket(bucket) else { throw OSSError.noSuchBucket(bucket) }
        if ObjectHandlers.hasManagementSubresource(context.query) {
            try requireSignature(context)
        }
        // The bucket policy first: a Deny refuses what the ACL allows, an Allow admits what it refuses.
        switch BucketPolicy.anonymousDecision(store: store, bucket: bucket, key: key, method: context.method) {
        case .deny: throw OSSError.accessDenied("You have no right to access this object because of bucket policy.")
        case .allow: return
        case .none: break
        }
        let isRead = context.method == "GET" || context.method == "HEAD"
        let isWrite = context.method == "PUT" || context.method == "DELETE" || context.method == "POST"
        let object = try? store.objectAccess(bucket: bucket, key: key)
        var allowed = Self.permits(object?.acl, bucketACL: info.acl, read: isRead, write: isWrite)
        if allowed, isRead, let target = object?.symlinkTarget,
           let targetAccess = try? store.objectAccess(bucket: bucket, key: target) {
            allowed = Self.permits(targetAccess.acl, bucketACL: info.acl, read: true, write: false)
        }
        guard allowed else {
            throw OSSError.accessDenied(object?.acl == nil
                ? "You have no right to access this object because of bucket acl."
                : "You have no right to access this object because of object acl.")
        }
    }

    static func permits(_ objectACL: String?, bucketACL: Storage.BucketACL, read: Bool, write: Bool) -> Bool {
        switch objectACL.flatMap(Storage.BucketACL.init(rawValue:)) ?? bucketACL {
        case .publicReadWrite: return read || write
        case .publicRead: return read
        case .private: return false
        }
    }

    func logRequest(_ request: HTTPRequest, target: RequestTarget?, response: HTTPResponse, requestId: String, startedAt: Int64) {
        let elapsed = configuration.wallClock() - startedAt
        record(request, target: target, response: response, startedAt: startedAt, elapsed: elapsed)
        guard logger.logLevel <= .info else { return }
        var resource = "/"
        // Names only: query values can be signatures or tokens.
        var subresources: [String] = []
        if let target {
            resource = target.bucket.map { "/" + $0 } ?? ""
            if let key = target.key, !key.isEmpty { resource += "/" + key }
            if resource.isEmpty { resource = "/" }
            subresources = target.query.map(\.name).filter { !OSSError.isSecretParameter($0) }
            if !subresources.isEmpty { resource += "?" + subresources.joined(separator: "&") }
        } else {
            resource = "(unresolved)"
        }
        var metadata: Logger.Metadata = [
            "request_id": .string(requestId), "remote": .string(request.remoteAddress),
            "method": .string(request.head.method), "status": .stringConvertible(response.status),
            "ms": .stringConvertible(elapsed),
        ]
        if let target, target.emulatorPath == nil {
            if let bucket = target.bucket { metadata["bucket"] = .string(bucket) }
            if let key = target.key, !key.isEmpty { metadata["key"] = .string(key) }
        }
        if !subresources.isEmpty { metadata["subresource"] = .string(subresources.joined(separator: "&")) }
        logger.info("\(request.head.method) \(resource) \(response.status) \(elapsed)ms", metadata: metadata)
    }
}

extension FrontDoor {
    /// Adds the request to the journal (`/_emulator/requests`).
    func record(_ request: HTTPRequest, target: RequestTarget?, response: HTTPResponse, startedAt: Int64, elapsed: Int64) {
        let headers = request.head.headers
        let query = target?.query ?? []
        let operation = target?.emulatorPath != nil ? "Admin"
            : target.map { OperationName.of(method: request.head.method, bucket: $0.bucket, key: $0.key, query: $0.query) { headers[$0] } }
            ?? "Unresolved"
        var errorCode: String?
        if response.status >= 300, case .bytes(let body) = response.body { errorCode = RequestJournal.errorCode(in: body) }
        let token = headers["x-oss-security-token"] != nil || query.contains { $0.name.lowercased() == "security-token" }
        let auth = RequestJournal.authKind(authorization: headers["Authorization"], query: query, securityToken: token)
        let isAdmin = target?.emulatorPath != nil
        journal.append { sequence in
            RequestRecord(
                sequence: sequence, time: startedAt, operation: operation, bucket: isAdmin ? nil : target?.bucket,
                key: isAdmin ? nil : target?.key.flatMap { $0.isEmpty ? nil : $0 }, status: response.status, errorCode: errorCode,
                bytesIn: request.body.length, bytesOut: request.head.method == "HEAD" ? 0 : response.body.length ?? 0,
                durationMilliseconds: elapsed, remoteAddress: request.remoteAddress, auth: auth)
        }
    }
}

extension OSSError {
    /// Query parameters whose values never reach a log line.
    static func isSecretParameter(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered == "signature" || lowered == "x-oss-signature" || lowered == "security-token"
            || lowered == "x-oss-security-token" || lowered == "ossaccesskeyid" || lowered == "x-oss-credential"
    }

    /// The OSS answer to a request the HTTP layer refused.
    static func transport(_ error: HTTPRequestError) -> OSSError {
        switch error {
        case .bodyTooLarge(let limit):
            return OSSError(status: 400, code: "EntityTooLarge", message: "Your proposed upload exceeds the maximum allowed size (\(limit) bytes).")
        case .requestTimeout:
            return OSSError(status: 400, code: "RequestTimeout", message: "Your socket connection to the server was not read from or written to within the timeout period.")
        case .spoolFailed(let reason):
            // The server's fault (disk full, read-only): 5xx, which SDKs retry; the path stays in the log.
            return .internalError("request body not stored: \(reason)")
        default:
            return OSSError(status: 400, code: "InvalidRequest", message: "The request is malformed: \(error).")
        }
    }
}
