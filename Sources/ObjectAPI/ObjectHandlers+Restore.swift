import OSSProtocol
import Storage
import Transport

/// RestoreObject (POST ?restore) for Archive, ColdArchive and DeepColdArchive
/// objects, and the gate it opens: such an object answers GET with 403
/// InvalidObjectState until a restore has completed, and again once the
/// restored copy expired. A restore completes `restoreDelayMilliseconds`
/// after it was asked (0 by default: at once); state is read against the
/// request's clock, so nothing runs in the background.
extension ObjectHandlers {
    static let millisecondsPerDay: Int64 = 86_400_000
    /// Days a restored copy stays readable when the request names none.
    static let defaultRestoreDays = 1
    /// The longest a restored Archive object stays readable.
    static let maxArchiveRestoreDays = 7
    /// The longest a restored Cold Archive or Deep Cold Archive object stays readable.
    static let maxColdArchiveRestoreDays = 365

    func restore(_ context: RequestContext, bucket: String, key: String) throws -> HTTPResponse {
        try NameRules.validateObjectKey(key)
        guard context.method == "POST" else {
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Object")
        }
        let info = try store.objectInfo(bucket: bucket, key: key)
        let storageClass = info.storageClass
        guard StorageClass.needsRestore.contains(storageClass) else { throw OSSError.restoreNotSupported }
        let request = try RestoreRequest.parse(try requestBody(context))
        let isArchive = storageClass == "Archive"
        if isArchive, request.tier != nil {
            throw OSSError.malformedXML("JobParameters applies to Cold Archive and Deep Cold Archive objects only")
        }
        if storageClass == "DeepColdArchive", request.tier == .bulk {
            throw OSSError.invalidArgument(
                "Deep Cold Archive objects are restored with the Expedited or Standard tier.", name: "Tier", value: "Bulk",
                ec: "0016-00000703")
        }
        let days = request.days ?? Self.defaultRestoreDays
        let maxDays = isArchive ? Self.maxArchiveRestoreDays : Self.maxColdArchiveRestoreDays
        guard days <= maxDays else {
            throw OSSError.invalidArgument(
                "Days must be between 1 and \(maxDays) for \(storageClass) objects.", name: "Days", value: String(days))
        }
        let tier = isArchive ? nil : (request.tier ?? .standard).rawValue
        let now = context.nowMilliseconds
        let duration = Int64(days) * Self.millisecondsPerDay
        var status = 202
        try store.updateMetadata(bucket: bucket, key: key, touch: false) { metadata in
            guard StorageClass.needsRestore.contains(metadata.storageClass) else { throw OSSError.restoreNotSupported }
            switch metadata.restore?.phase(at: now) {
            case .ongoing?:
                throw OSSError.restoreAlreadyInProgress
            case .restored?:
                // Asking again while restored extends the readable period.
                metadata.restore?.expiresAt = now + duration
                status = 200
            case .expired?, nil:
                let ready = now + settings.restoreDelayMilliseconds
                metadata.restore = RestoreState(readyAt: ready, expiresAt: ready + duration, tier: tier)
            }
        }
        var headers: HTTPHeaders = [:]
        if let tier { headers.add("x-oss-object-restore-priority", tier) }
        return context.respond.response(status: status, headers: headers)
    }

    /// `x-oss-restore` (HEAD/GET) and `RestoreInfo` (listings): nil when no
    /// restore was asked, or the restored copy expired.
    static func restoreStatus(_ info: ObjectInfo, now: Int64) -> String? {
        guard StorageClass.needsRestore.contains(info.storageClass), let state = info.metadata.restore else { return nil }
        switch state.phase(at: now) {
        case .ongoing:
            return "ongoing-request=\"true\""
        case .restored(let expiresAt):
            return "ongoing-request=\"false\", expiry-date=\"\(OSSTime.httpDate(expiresAt / 1000))\""
        case .expired:
            return nil
        }
    }

    /// Whether the object's bytes may be read now (GET, CopyObject source).
    static func isReadable(_ info: ObjectInfo, now: Int64) -> Bool {
        guard StorageClass.needsRestore.contains(info.storageClass) else { return true }
        if case .restored? = info.metadata.restore?.phase(at: now) { return true }
        return false
    }
}

/// Object API behaviour a deployment may tune.
public struct ObjectAPISettings: Sendable {
    /// How long a RestoreObject takes to complete; 0 (the default) completes
    /// it at once. Real OSS takes about a minute (Archive) to hours (Cold Archive).
    public var restoreDelayMilliseconds: Int64

    /// The CMK id SSE-KMS writes name when they give none (the account's default key).
    public var defaultKMSKeyId: String

    public init(restoreDelayMilliseconds: Int64 = 0, defaultKMSKeyId: String = "") {
        self.restoreDelayMilliseconds = restoreDelayMilliseconds
        self.defaultKMSKeyId = defaultKMSKeyId
    }
}
