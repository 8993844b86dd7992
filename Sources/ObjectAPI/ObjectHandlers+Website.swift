import BucketConfig
import OSSProtocol
import Storage
import Transport

/// Static website answers on the bucket endpoint (see WebsiteConfiguration):
/// a GET or HEAD of a missing "directory" key (ending in `/`) answers its
/// index document, signed or not (as OSS does for the SDKs); the bucket root
/// answers the index for anonymous requests only (a signed GET of the root
/// is ListObjects); the error document answers missing keys for anonymous
/// requests only, so signed clients keep getting NoSuchKey.
extension ObjectHandlers {
    /// Runs `read` for `key`; when the key does not exist and the bucket has
    /// a website configuration, answers what the website says instead.
    func servingWebsite(
        _ context: RequestContext, bucket: String, key: String, read: (String) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        do {
            return try read(key)
        } catch let error where Self.isNoSuchKey(error) {
            guard Self.isPlainRead(context), let website = configs.settings(bucket).website,
                  let resolution = website.resolveMissing(
                    key, errorDocument: context.auth == .anonymous,
                    exists: { (try? store.objectInfo(bucket: bucket, key: $0)) != nil })
            else { throw error }
            return try answer(resolution, context: context, bucket: bucket, read: read)
        }
    }

    /// The bucket root's index document for an anonymous GET or HEAD, nil
    /// when the bucket has none (the caller then answers as without a website).
    public func websiteRoot(_ context: RequestContext, bucket: String, read: (String) throws -> HTTPResponse) throws -> HTTPResponse? {
        guard context.auth == .anonymous, context.method == "GET" || context.method == "HEAD", context.query.isEmpty,
              let website = configs.settings(bucket).website, website.indexKey(forDirectory: "") != nil
        else { return nil }
        guard let resolution = website.resolveMissing(
            "", errorDocument: true, exists: { (try? store.objectInfo(bucket: bucket, key: $0)) != nil })
        else { throw OSSError.noSuchKey(website.index?.suffix ?? "") }
        return try answer(resolution, context: context, bucket: bucket, read: read)
    }

    private func answer(
        _ resolution: WebsiteConfiguration.Resolution, context: RequestContext, bucket: String,
        read: (String) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        switch resolution {
        case .object(let key, let status):
            var response = try read(key)
            if status != 200 && response.status == 200 { response.status = status }
            return response
        case .redirect(let key):
            let path = PercentEncoding.encodeRFC3986(key, keepSlash: true)
            let location = context.target.style == .virtualHosted ? "/" + path : "/\(bucket)/" + path
            return context.respond.response(status: 302, headers: ["Location": location])
        }
    }

    /// A read of the object itself: no sub-resource but the response-* overrides.
    static func isPlainRead(_ context: RequestContext) -> Bool {
        (context.method == "GET" || context.method == "HEAD")
            && context.query.allSatisfy { $0.name.hasPrefix("response-") || $0.name == "security-token" || !V1Signature.signedSubresources.contains($0.name) }
    }

    static func isNoSuchKey(_ error: any Error) -> Bool {
        if case StorageError.noSuchKey = error { return true }
        return (error as? OSSError)?.code == "NoSuchKey"
    }
}
