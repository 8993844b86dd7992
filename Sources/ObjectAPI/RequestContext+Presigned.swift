extension RequestContext {
    /// Signed in the URL (V1, V2 or V4 presigned) rather than in the
    /// `Authorization` header: the authenticator refuses a request that has both.
    public var isPresigned: Bool {
        auth != .anonymous && headers["Authorization"] == nil
    }
}
