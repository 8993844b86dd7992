import Storage

extension BucketPolicy {
    /// What the bucket's stored policy says about an anonymous object request
    /// (`.none` without a policy, for methods it is not asked about, or when
    /// the stored document cannot be read).
    public static func anonymousDecision(store: ObjectStore, bucket: String, key: String, method: String) -> Decision {
        guard let action = objectAction(method: method),
              let policy = BucketConfigRecords(store: store).cachedPolicy(bucket: bucket) else { return .none }
        return policy.decision(action: action, bucket: bucket, key: key)
    }
}
