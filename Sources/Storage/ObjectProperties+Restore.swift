/// The restore state of an Archive, Cold Archive or Deep Cold Archive object,
/// kept in the `oss.restore` attribute so it is journaled, survives a restart
/// and goes with the object. It holds times, not a phase: whether the
/// restore is still running, done or expired is read against the clock of
/// the request asking, so no timer is needed.
public struct RestoreState: Sendable, Equatable {
    /// When the restored copy becomes readable (epoch milliseconds).
    public var readyAt: Int64
    /// When it is frozen again (epoch milliseconds).
    public var expiresAt: Int64
    /// The priority asked for (Cold Archive, Deep Cold Archive).
    public var tier: String?

    public enum Phase: Sendable, Equatable {
        case ongoing
        case restored(expiresAt: Int64)
        case expired
    }

    public init(readyAt: Int64, expiresAt: Int64, tier: String? = nil) {
        self.readyAt = readyAt
        self.expiresAt = expiresAt
        self.tier = tier
    }

    public func phase(at now: Int64) -> Phase {
        if now < readyAt { return .ongoing }
        if now < expiresAt { return .restored(expiresAt: expiresAt) }
        return .expired
    }

    /// `ready=<ms>;expiry=<ms>[;tier=<tier>]`.
    var encoded: String {
        var text = "ready=\(readyAt);expiry=\(expiresAt)"
        if let tier { text += ";tier=\(tier)" }
        return text
    }

    init?(encoded: String) {
        var ready: Int64?
        var expiry: Int64?
        var tier: String?
        for field in encoded.split(separator: ";") {
            guard let equals = field.firstIndex(of: "=") else { return nil }
            let value = field[field.index(after: equals)...]
            switch field[..<equals] {
            case "ready": ready = Int64(value)
            case "expiry": expiry = Int64(value)
            case "tier": tier = String(value)
            default: continue  // a field a later version added
            }
        }
        guard let ready, let expiry else { return nil }
        self.init(readyAt: ready, expiresAt: expiry, tier: tier)
    }
}

extension ObjectMetadata {
    /// The last RestoreObject's state; nil when none was asked (or the
    /// attribute cannot be read, which reads as "never restored").
    public var restore: RestoreState? {
        get { attributes[Attribute.restore].flatMap(RestoreState.init(encoded:)) }
        set { attributes[Attribute.restore] = newValue?.encoded }
    }
}
