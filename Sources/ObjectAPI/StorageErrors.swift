import OSSProtocol
import Storage

extension StorageError {
    /// The OSS error a client sees for a storage failure.
    public var ossError: OSSError {
        switch self {
        case .noSuchBucket(let bucket): return .noSuchBucket(bucket)
        case .bucketAlreadyExists(let bucket): return .bucketAlreadyExists(bucket)
        case .bucketNotEmpty(let bucket): return .bucketNotEmpty(bucket)
        case .noSuchKey(let key): return .noSuchKey(key)
        case .invalidKey(let key): return .invalidObjectName(key)
        case .invalidBucketName(let bucket): return .invalidBucketName(bucket)
        case .io(let message): return .internalError(message)
        }
    }
}
