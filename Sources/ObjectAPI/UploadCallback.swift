import Digest
import OSSProtocol
import Transport

/// An upload callback request: the `x-oss-callback` (or `callback` query
/// parameter, or PostObject `callback` field) document and its custom
/// variables, validated before anything is written so that a bad one is a 400.
public struct UploadCallback: Sendable, Equatable {
    /// OSS waits this long for a callback server, then reports the callback failed.
    public static let timeout: Duration = .seconds(5)
    /// Largest callback answer OSS relays to the client.
    public static let maxResponseBytes = 3 * 1024 * 1024
    /// `callbackUrl` may list up to this many URLs, separated by `;`, tried in order.
    public static let maxURLs = 5

    public enum BodyType: String, Sendable {
        case form = "application/x-www-form-urlencoded"
        case json = "application/json"
    }

    /// One parsed `callbackUrl`.
    public struct Target: Sendable, Equatable {
        public var scheme: String
        public var host: String
        public var port: UInt16
        /// Path and query as given (already URL-encoded by the client).
        public var target: String
        /// `host` or `host:port`, as the Host header carries it.
        public var authority: String
    }

    public var targets: [Target]
    /// `callbackHost`: the Host header to send instead of the URL's.
    public var host: String?
    public var bodyTemplate: String
    public var bodyType: BodyType
    public var sni: Bool
    /// `x:` variables in document order.
    public var variables: [(String, String)]

    public static func == (a: UploadCallback, b: UploadCallback) -> Bool {
        a.targets == b.targets && a.host == b.host && a.bodyTemplate == b.bodyTemplate && a.bodyType == b.bodyType
            && a.sni == b.sni && a.variables.map(\.0) == b.variables.map(\.0) && a.variables.map(\.1) == b.variables.map(\.1)
    }

    /// The callback a PutObject or CompleteMultipartUpload request carries in
    /// its headers or (presigned URLs) its query; nil when it has none.
    public static func from(headers: HTTPHeaders, query: [QueryItem]) throws(OSSError) -> UploadCallback? {
        guard let encoded = headers["x-oss-callback"] ?? query.value("callback") else { return nil }
        return try parse(encoded: encoded, encodedVariables: headers["x-oss-callback-var"] ?? query.value("callback-var"))
    }

    /// `encoded` is base64 JSON; `encodedVariables` base64 JSON of `x:` names to strings.
    public static func parse(encoded: String, encodedVariables: String?) throws(OSSError) -> UploadCallback {
        guard let bytes = Base64.decode(encoded.trimmingSpaces), let document = try? JSONText.parse(bytes),
              case .object = document else {
            throw .invalidCallback("The callback configuration is not base64 encoded json.")
        }
        var variables: [(String, String)] = []
        if let encodedVariables, !encodedVariables.isEmpty {
            variables = try parseVariables(encodedVariables)
        }
        return try parse(document: document, variables: variables)
    }

    /// A PostObject form: the callback document plus `x:` fields as variables.
    public static func parse(document: JSONText, variables: [(String, String)]) throws(OSSError) -> UploadCallback {
        guard case .string(let urls)? = document["callbackUrl"], !urls.trimmingSpaces.isEmpty else {
            throw .invalidCallback("The callback configuration is missing callbackUrl.")
        }
        guard case .string(let template)? = document["callbackBody"] else {
            throw .invalidCallback("The callbackBody in the callback configuration is not a string.")
        }
        guard !template.isEmpty else { throw .invalidCallback("The callbackBody in the callback configuration is empty.") }
        var bodyType = BodyType.form
        if let typeValue = document["callbackBodyType"] {
            guard case .string(let text) = typeValue,
                  let parsed = BodyType(rawValue: text.trimmingSpaces.lowercased()) else {
                throw .invalidCallback("The callbackBodyType in the callback configuration is invalid.")
            }
            bodyType = parsed
        }
        var host: String?
        if let hostValue = document["callbackHost"] {
            guard case .string(let text) = hostValue else {
                throw .invalidCallback("The callbackHost in the callback configuration is not a string.")
            }
            host = text.isEmpty ? nil : text
        }
        var sni = false
        switch document["callbackSNI"] {
        case nil: break
        case .bool(let value)?: sni = value
        case .string(let text)? where text == "true" || text == "false": sni = text == "true"
        default: throw .invalidCallback("The callbackSNI in the callback configuration is invalid.")
        }
        let parts = urls.split(separator: ";").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        guard parts.count <= maxURLs else {
            throw .invalidCallback("The callbackUrl in the callback configuration has more than \(maxURLs) URLs.")
        }
        var targets: [Target] = []
        for part in parts {
            guard let target = Target(parsing: part) else {
                throw .invalidCallback("The callbackUrl in the callback configuration is not a valid URL: \(part)")
            }
            targets.append(target)
        }
        let callback = UploadCallback(
            targets: targets, host: host, bodyTemplate: template, bodyType: bodyType, sni: sni, variables: variables)
        if bodyType == .json {
            // Every variable becomes a JSON string: the template must be JSON with them in place.
            let probe = callback.render(UploadCallbackContext.placeholder)
            guard (try? JSONText.parse(probe)) != nil else {
                throw .invalidCallback("The callback configuration is not json format.")
            }
        }
        return callback
    }

    static func parseVariables(_ encoded: String) throws(OSSError) -> [(String, String)] {
        guard let bytes = Base64.decode(encoded.trimmingSpaces), let document = try? JSONText.parse(bytes),
              case .object(let members) = document else {
            throw .invalidCallback("The callback-var configuration is not base64 encoded json.", name: "x-oss-callback-var")
        }
        // OSS accepts other names and values (the oss2 suite sends a whole
        // callback document here); only `x:` names can be referenced.
        var variables: [(String, String)] = []
        for (name, value) in members where name.hasPrefix("x:") {
            switch value {
            case .string(let text): variables.append((name, text))
            case .number(let text): variables.append((name, text))
            case .bool(let flag): variables.append((name, flag ? "true" : "false"))
            default: continue
            }
        }
        return variables
    }
}

extension UploadCallback.Target {
    /// `http://host[:port]/path?query`; a URL without a scheme is http, as OSS takes it.
    init?(parsing text: String) {
        var rest = Substring(text)
        var scheme = "http"
        if let range = rest.firstRange(of: "://") {
            scheme = rest[..<range.lowerBound].lowercased()
            rest = rest[range.upperBound...]
        }
        guard scheme == "http" || scheme == "https" else { return nil }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        guard !authority.isEmpty, !authority.contains("@"), !target.contains(" "), !target.contains("#") else { return nil }
        var host = authority
        var port: UInt16 = scheme == "https" ? 443 : 80
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let parsed = UInt16(authority[authority.index(after: colon)...]), parsed > 0 else { return nil }
            port = parsed
            host = String(authority[..<colon])
        }
        if host.hasPrefix("[") {
            // OSS does not call back IPv6 addresses.
            return nil
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }) else {
            return nil
        }
        self.init(scheme: scheme, host: host, port: port, target: target, authority: authority)
    }
}
