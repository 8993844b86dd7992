/// Verifies a request's signature: V1, V2 or V4, in the Authorization header or a
/// presigned URL; no credentials at all is `.anonymous` (spec §4, §6).
/// Access control (bucket ACL) is the caller's business.
public struct Authenticator: Sendable {
    /// Default allowed distance between a header-signed request's time and ours (15 min).
    public static let defaultMaxSkewSeconds: Int64 = 900
    /// Longest validity OSS grants a V4 presigned URL (7 days).
    public static let maxV4PresignExpiresSeconds: Int64 = 604_800

    static let v1PresignParameters = ["OSSAccessKeyId", "Expires", "Signature"]
    static let v2PresignParameters = ["x-oss-access-key-id", "x-oss-signature"]
    static let v4PresignParameters = ["x-oss-signature-version", "x-oss-credential", "x-oss-date",
                                      "x-oss-expires", "x-oss-signature"]

    public let maxSkewSeconds: Int64
    private let credentials: [String: Credential]
    /// Security token → the STS AccessKeyId it was issued with.
    private let tokenOwners: [String: String]

    public init(credentials: [Credential], maxSkewSeconds: Int64 = Authenticator.defaultMaxSkewSeconds) {
        var byKey: [String: Credential] = [:]
        var owners: [String: String] = [:]
        for credential in credentials where byKey[credential.accessKeyId] == nil {
            byKey[credential.accessKeyId] = credential
            if let token = credential.securityToken, owners[token] == nil { owners[token] = credential.accessKeyId }
        }
        self.credentials = byKey
        self.tokenOwners = owners
        self.maxSkewSeconds = maxSkewSeconds
    }

    public func credential(for accessKeyId: String) -> Credential? {
        credentials[accessKeyId]
    }

    /// `now` (epoch seconds) decides presigned URL expiry; `realNow`, when
    /// given, the skew of header-signed requests: a client signs with its own
    /// clock, so the skew check stays on real time when the emulator's clock
    /// has been moved.
    public func authenticate(_ request: SignableRequest, now: Int64, realNow: Int64? = nil) throws(OSSError) -> AuthResult {
        let authorization = request.header("Authorization")
        let hasV1Presign = Authenticator.v1PresignParameters.contains { request.query.has($0) }
        let hasV4Presign = Authenticator.v4PresignParameters.contains { request.query.has($0) }
            || Authenticator.v2PresignParameters.contains { request.query.has($0) }
        if let authorization {
            if hasV1Presign || hasV4Presign {
                throw .invalidArgument("Signature can not be provided in both URL and header.",
                                       name: "Authorization", value: authorization)
            }
            return try verifyHeader(authorization, request, now: realNow ?? now)
        }
        if request.query.value("x-oss-signature-version") == V2Signature.scheme {
            return try verifyV2Presigned(request, now: now)
        }
        if hasV4Presign { return try verifyV4Presigned(request, now: now) }
        if hasV1Presign { return try verifyV1Presigned(request, now: now) }
        return .anonymous
    }

    // MARK: V1

    private func verifyHeader(_ authorization: String, _ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        if authorization.hasPrefix(V4Signature.algorithm + " ") {
            return try verifyV4Header(authorization, request, now: now)
        }
        if authorization.hasPrefix(V2Signature.scheme + " ") {
            return try verifyV2Header(authorization, request, now: now)
        }
        guard authorization.hasPrefix("OSS "), let colon = authorization.lastIndex(of: ":") else {
            throw malformedAuthorization(authorization)
        }
        let accessKeyId = String(authorization[authorization.index(authorization.startIndex, offsetBy: 4)..<colon])
        let provided = String(authorization[authorization.index(after: colon)...])
        guard !accessKeyId.isEmpty, !provided.isEmpty, !accessKeyId.contains(" ") else {
            throw malformedAuthorization(authorization)
        }
        // oss2 V1 puts x-oss-date in the date slot when it is present; everyone else the Date header.
        var dates: [String] = []
        if let ossDate = request.header("x-oss-date") { dates.append(ossDate) }
        if let date = request.header("Date") { dates.append(date) }
        guard let primary = dates.first else { throw .accessDenied("Missing Date header.") }
        guard let time = OSSTime.parseHTTPDate(primary) else {
            throw .accessDenied("Invalid date format: \(primary)")
        }
        try checkSkew(time, written: primary, now: now)
        let credential = try lookup(accessKeyId)
        try checkToken(credential, provided: request.header("x-oss-security-token"))
        var firstStringToSign: String?
        for date in dates {
            let stringToSign = V1Signature.stringToSign(request, date: date)
            if firstStringToSign == nil { firstStringToSign = stringToSign }
            if constantTimeEquals(V1Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign), provided) {
                return .signed(accessKeyId: accessKeyId)
            }
        }
        throw .signatureDoesNotMatch(stringToSign: firstStringToSign ?? "", provided: provided, accessKeyId: accessKeyId)
    }

    private func verifyV1Presigned(_ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        guard let accessKeyId = request.query.value("OSSAccessKeyId"), !accessKeyId.isEmpty,
              let expires = request.query.value("Expires"), !expires.isEmpty,
              let provided = request.query.value("Signature"), !provided.isEmpty else {
            throw .accessDenied("Presigned URLs need OSSAccessKeyId, Expires and Signature.")
        }
        guard let expiry = Int64(expires) else {
            throw .accessDenied("Invalid Expires: \(expires)")
        }
        if now > expiry { throw .requestExpired(expires: expires, serverTime: now) }
        let credential = try lookup(accessKeyId)
        try checkToken(credential, provided: request.query.value("security-token"))
        let stringToSign = V1Signature.stringToSign(request, date: expires)
        guard constantTimeEquals(V1Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign), provided) else {
            throw .signatureDoesNotMatch(stringToSign: stringToSign, provided: provided, accessKeyId: accessKeyId)
        }
        return .signed(accessKeyId: accessKeyId)
    }

    // MARK: V2

    private func verifyV2Header(_ authorization: String, _ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        guard let parsed = V2Signature.Authorization(parsing: authorization) else {
            throw malformedAuthorization(authorization)
        }
        guard let date = request.header("Date") else { throw .accessDenied("Missing Date header.") }
        guard let time = OSSTime.parseHTTPDate(date) else { throw .accessDenied("Invalid date format: \(date)") }
        try checkSkew(time, written: date, now: now)
        let credential = try lookup(parsed.accessKeyId)
        try checkToken(credential, provided: request.header("x-oss-security-token"))
        let stringToSign = V2Signature.stringToSign(method: request.method, headers: request.normalizedHeaders(), date: date,
                                                    additionalHeaders: parsed.additionalHeaders, bucket: request.bucket,
                                                    key: request.key, query: request.query)
        guard constantTimeEquals(V2Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign), parsed.signature) else {
            throw .signatureDoesNotMatch(stringToSign: stringToSign, provided: parsed.signature, accessKeyId: parsed.accessKeyId)
        }
        return .signed(accessKeyId: parsed.accessKeyId)
    }

    /// `x-oss-signature-version=OSS2&x-oss-expires=<epoch s>&x-oss-access-key-id=..&x-oss-signature=..`.
    private func verifyV2Presigned(_ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        let query = request.query
        guard let accessKeyId = query.value("x-oss-access-key-id"), !accessKeyId.isEmpty,
              let expires = query.value("x-oss-expires"), !expires.isEmpty,
              let provided = query.value("x-oss-signature"), !provided.isEmpty else {
            throw .accessDenied("V2 presigned URLs need x-oss-access-key-id, x-oss-expires and x-oss-signature.")
        }
        guard let expiry = Int64(expires) else { throw .accessDenied("Invalid x-oss-expires: \(expires)") }
        if now > expiry { throw .requestExpired(expires: expires, serverTime: now) }
        let credential = try lookup(accessKeyId)
        try checkToken(credential, provided: query.value("security-token"))
        let additional = (query.value("x-oss-additional-headers") ?? "").split(separator: ";").map { String($0).lowercased() }
        let stringToSign = V2Signature.stringToSign(method: request.method, headers: request.normalizedHeaders(), date: expires,
                                                    additionalHeaders: additional, bucket: request.bucket, key: request.key,
                                                    query: query, excludingQuery: ["x-oss-signature"])
        guard constantTimeEquals(V2Signature.sign(secret: credential.accessKeySecret, stringToSign: stringToSign), provided) else {
            throw .signatureDoesNotMatch(stringToSign: stringToSign, provided: provided, accessKeyId: accessKeyId)
        }
        return .signed(accessKeyId: accessKeyId)
    }

    // MARK: V4

    private func verifyV4Header(_ authorization: String, _ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        guard let parsed = V4Signature.Authorization(parsing: authorization) else {
            throw malformedAuthorization(authorization)
        }
        // x-oss-date if sent (oss2, Java); else the Date header, signed verbatim (Go v3).
        let timestamp: String
        let time: Int64
        if let ossDate = request.header("x-oss-date") {
            guard let parsedTime = OSSTime.parseISO8601Basic(ossDate) else {
                throw .accessDenied("Invalid x-oss-date format: \(ossDate)")
            }
            timestamp = ossDate
            time = parsedTime
        } else if let date = request.header("Date") {
            guard let parsedTime = OSSTime.parseHTTPDate(date) else {
                throw .accessDenied("Invalid date format: \(date)")
            }
            timestamp = date
            time = parsedTime
        } else {
            throw .accessDenied("Missing x-oss-date or Date header.")
        }
        try checkSkew(time, written: timestamp, now: now)
        guard parsed.credential.date == OSSTime.scopeDate(time) else {
            throw .accessDenied("The credential date \(parsed.credential.date) does not match the request date \(timestamp).")
        }
        let credential = try lookup(parsed.credential.accessKeyId)
        try checkToken(credential, provided: request.header("x-oss-security-token"))
        return try verifyV4(request, scope: parsed.credential, timestamp: timestamp,
                            additionalHeaders: parsed.additionalHeaders, provided: parsed.signature,
                            excluding: [], credential: credential)
    }

    private func verifyV4Presigned(_ request: SignableRequest, now: Int64) throws(OSSError) -> AuthResult {
        let query = request.query
        guard let version = query.value("x-oss-signature-version"), let credentialText = query.value("x-oss-credential"),
              let date = query.value("x-oss-date"), let expiresText = query.value("x-oss-expires"),
              let provided = query.value("x-oss-signature"), !provided.isEmpty else {
            throw .accessDenied("V4 presigned URLs need x-oss-signature-version, x-oss-credential, x-oss-date, x-oss-expires and x-oss-signature.")
        }
        guard version == V4Signature.algorithm else {
            throw .invalidArgument("Unsupported signature version.", name: "x-oss-signature-version", value: version)
        }
        guard let scope = V4Signature.CredentialScope(parsing: credentialText) else {
            throw .invalidArgument("Invalid credential.", name: "x-oss-credential", value: credentialText)
        }
        guard let signedAt = OSSTime.parseISO8601Basic(date) else {
            throw .invalidArgument("Invalid x-oss-date.", name: "x-oss-date", value: date)
        }
        guard let expires = Int64(expiresText), expires > 0, expires <= Authenticator.maxV4PresignExpiresSeconds else {
            throw .invalidArgument("x-oss-expires must be between 1 and \(Authenticator.maxV4PresignExpiresSeconds).",
                                   name: "x-oss-expires", value: expiresText)
        }
        if now > signedAt + expires {
            throw .requestExpired(expires: OSSTime.iso8601(signedAt + expires), serverTime: now)
        }
        guard scope.date == OSSTime.scopeDate(signedAt) else {
            throw .accessDenied("The credential date \(scope.date) does not match x-oss-date \(date).")
        }
        let credential = try lookup(scope.accessKeyId)
        try checkToken(credential, provided: query.value("x-oss-security-token"))
        let additional = (query.value("x-oss-additional-headers") ?? "")
            .split(separator: ";").map { String($0).lowercased() }
        return try verifyV4(request, scope: scope, timestamp: date, additionalHeaders: additional,
                            provided: provided, excluding: ["x-oss-signature"], credential: credential)
    }

    private func verifyV4(_ request: SignableRequest, scope: V4Signature.CredentialScope, timestamp: String,
                          additionalHeaders: [String], provided: String, excluding: Set<String>,
                          credential: Credential) throws(OSSError) -> AuthResult {
        let canonical = V4Signature.canonicalRequest(
            method: request.method, bucket: request.bucket, key: request.key, query: request.query,
            excludingQuery: excluding, headers: request.normalizedHeaders(), additionalHeaders: additionalHeaders)
        let stringToSign = V4Signature.stringToSign(timestamp: timestamp, scope: scope, canonicalRequest: canonical)
        let expected = V4Signature.sign(secret: credential.accessKeySecret, scope: scope, stringToSign: stringToSign)
        guard constantTimeEquals(expected, provided.lowercased()) else {
            throw .signatureDoesNotMatch(stringToSign: stringToSign, provided: provided,
                                         accessKeyId: scope.accessKeyId, canonicalRequest: canonical)
        }
        return .signed(accessKeyId: scope.accessKeyId)
    }

    // MARK: Shared checks

    private func checkSkew(_ time: Int64, written: String, now: Int64) throws(OSSError) {
        // Parsed times lie in years 1–9999, but `now` is any Int64: subtract without trapping.
        let (difference, overflow) = time.subtractingReportingOverflow(now)
        if overflow || difference.magnitude > UInt64(clamping: maxSkewSeconds) {
            throw .requestTimeTooSkewed(requestTime: written, serverTime: now, maxAllowedSkewSeconds: maxSkewSeconds)
        }
    }

    private func lookup(_ accessKeyId: String) throws(OSSError) -> Credential {
        guard let credential = credentials[accessKeyId] else { throw .invalidAccessKeyId(accessKeyId) }
        return credential
    }

    /// An STS credential is only valid with its own token, and a long-term
    /// AccessKey with none: a token issued with another AccessKeyId is 403
    /// AccessKeyIdAndSecurityTokenNotMatch, any other token 403
    /// InvalidSecurityToken. An empty token counts as none.
    func checkToken(_ credential: Credential, provided: String?) throws(OSSError) {
        let provided = provided.flatMap { $0.isEmpty ? nil : $0 }
        if let expected = credential.securityToken {
            guard let provided else { throw .accessDenied("The security token you provided is invalid.") }
            if constantTimeEquals(expected, provided) { return }
        }
        guard let provided else { return }
        throw tokenOwners[provided] != nil ? .accessKeyIdAndSecurityTokenNotMatch : .invalidSecurityToken
    }

    private func malformedAuthorization(_ value: String) -> OSSError {
        .invalidArgument("Authorization header is invalid.", name: "Authorization", value: value)
    }
}
