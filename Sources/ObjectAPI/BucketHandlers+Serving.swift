import BucketConfig
import OSSProtocol
import Storage
import Transport

/// PutBucketCors/GetBucketCors/DeleteBucketCors, PutBucketReferer/GetBucketReferer,
/// PutBucketWebsite/GetBucketWebsite/DeleteBucketWebsite,
/// PutBucketEncryption/GetBucketEncryption/DeleteBucketEncryption.
extension BucketHandlers {
    static let servingSubresources = ["cors", "referer", "website", "encryption"]

    /// The answer when the request names one of these sub-resources; nil otherwise.
    func servingSubresource(_ context: RequestContext, bucket: String) throws -> HTTPResponse? {
        guard let name = Self.servingSubresources.first(where: { context.query.has($0) }) else { return nil }
        guard store.bucket(bucket) != nil else { throw OSSError.noSuchBucket(bucket) }
        let settings = configs.settings(bucket)
        switch (context.method, name) {
        case ("PUT", "cors"):
            try configs.setCORS(try CORSConfiguration.parse(try requestBody(context)), bucket: bucket)
        case ("GET", "cors"):
            guard let cors = settings.cors else { throw OSSError.noSuchCORSConfiguration(bucket) }
            return context.respond.xml(cors.document())
        case ("DELETE", "cors"):
            try configs.setCORS(nil, bucket: bucket)
            return context.respond.response(status: 204)
        case ("PUT", "referer"):
            try configs.setReferer(try RefererConfiguration.parse(try requestBody(context)), bucket: bucket)
        case ("GET", "referer"):
            return context.respond.xml((settings.referer ?? .unconfigured).document())
        case ("PUT", "website"):
            try configs.setWebsite(try WebsiteConfiguration.parse(try requestBody(context)), bucket: bucket)
        case ("GET", "website"):
            guard let website = settings.website else { throw OSSError.noSuchWebsiteConfiguration(bucket) }
            return context.respond.xml(website.document())
        case ("DELETE", "website"):
            try configs.setWebsite(nil, bucket: bucket)
            return context.respond.response(status: 204)
        case ("PUT", "encryption"):
            try configs.setEncryption(try EncryptionRule.parse(try requestBody(context)), bucket: bucket)
        case ("GET", "encryption"):
            guard let rule = settings.encryption else { throw OSSError.noSuchServerSideEncryptionRule(bucket) }
            return context.respond.xml(rule.document())
        case ("DELETE", "encryption"):
            try configs.setEncryption(nil, bucket: bucket)
            return context.respond.response(status: 204)
        default:
            throw OSSError.methodNotAllowed(method: context.method, resourceType: "Bucket")
        }
        return context.respond.response()
    }

    /// PutBucket's `x-oss-server-side-encryption` (with `-key-id` and
    /// `x-oss-server-side-data-encryption`): the new bucket's default encryption.
    static func creationEncryption(_ headers: HTTPHeaders) throws -> EncryptionRule? {
        guard let algorithm = headers["x-oss-server-side-encryption"] else { return nil }
        return try EncryptionRule.validated(
            algorithm: algorithm, kmsMasterKeyId: headers["x-oss-server-side-encryption-key-id"],
            kmsDataEncryption: headers["x-oss-server-side-data-encryption"])
    }
}
